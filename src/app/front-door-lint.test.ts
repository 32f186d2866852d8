// "Lint fails if src/app/ imports anything but the front door" (issue 13): the project's own ESLint config
// refuses a deep import into the library from any depth of src/app, and allows src/index.ts, src/app's own
// files and what lies outside src/ (JSON data such as models/manifest.json).
import { ESLint } from 'eslint';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const RULE = 'no-restricted-imports';
// Only this rule runs: the others are `npm run lint`'s job, and all of them together are slow on 2 cores.
const eslint = new ESLint({ cwd: root, ruleFilter: ({ ruleId }) => ruleId === RULE });

async function refusals(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  return result!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('front door lint rule', { timeout: 120_000 }, () => {
  it.each([
    ['src/app/index.ts', "import { createLocalBus } from '../bus/local-bus';"],
    ['src/app/live/x.ts', "import type { Bus } from '../../bus/types';"],
    ['src/app/demos/agents/x.ts', "import { defineAgent } from '../../../agents/define';"],
    ['src/app/live/x.ts', "export { policies } from '../../bus/policy';"],
    ['src/app/live/x.ts', "import { policies } from '../../../src/bus/policy';"],
  ])('refuses a deep import from %s: %s', async (file, code) => {
    const refused = await refusals(`${code}\nexport const used = 1;\n`, file);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain('src/app imports the library only through its front door, src/index.ts.');
  });

  it.each([
    ['src/app/index.ts', "import { createSentio } from '../index';"],
    ['src/app/live/x.ts', "import { createSentio, type Bus } from '../../index';"],
    ['src/app/demos/agents/x.ts', "import { defineAgent } from '../../../index';"],
    ['src/app/live/x.ts', "import { el } from '../dom';"],
    ['src/app/live/x.ts', "import manifest from '../../../models/manifest.json';"],
  ])('allows from %s: %s', async (file, code) => {
    expect(await refusals(`${code}\nexport const used = 1;\n`, file)).toEqual([]);
  });

  it('finds no deep import in src/app today', async () => {
    const results = await eslint.lintFiles(['src/app/**/*.ts']);
    const offenders = results.flatMap((r) =>
      r.messages.filter((m) => m.ruleId === RULE).map((m) => `${r.filePath}:${m.line} ${m.message}`),
    );
    expect(offenders).toEqual([]);
  });
});
