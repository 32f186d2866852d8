// Renders public/icon.svg into the PNG icons the web app manifest needs (192 and 512 px), with the same
// headless Chromium the tests use, so no image tool has to be installed. Run after editing the SVG:
//   node scripts/make-icons.mjs
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium } from '@playwright/test';

const root = resolve(import.meta.dirname, '..');
const svg = await readFile(resolve(root, 'public/icon.svg'), 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  for (const size of [192, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}</style><img src="${src}" width="${size}" height="${size}">`,
    );
    const png = await page.screenshot({ omitBackground: true, type: 'png' });
    await writeFile(resolve(root, `public/icon-${size}.png`), png);
    console.log(`public/icon-${size}.png: ${png.length} bytes`);
    await page.close();
  }
} finally {
  await browser.close();
}
