import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking'] });
const page = await browser.newPage();
page.on('pageerror', e => console.log('[pageerror]', e.message));
await page.goto('http://127.0.0.1:4473/e2e/pages/agents.html');
await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
await page.evaluate(() => window.agentsTest.start({ dbName: 'dbg' + Math.random(), groupCommit: 64 }));
const r = await page.evaluate(async () => {
  const t = window.agentsTest;
  const N = 2000;
  const t0 = performance.now();
  for (let i = 0; i < N; i += 250) await t.ingest('steady', 'test.flaky.x', Array.from({length: 250}, (_, j) => ({ i: i + j })));
  const t1 = performance.now();
  for (;;) { const a = await t.agent('steady'); if (a.processed >= N) break; await new Promise(r => setTimeout(r, 5)); }
  const t2 = performance.now();
  return { ingestMs: t1 - t0, totalMs: t2 - t0 };
});
console.log(r);
await browser.close();
