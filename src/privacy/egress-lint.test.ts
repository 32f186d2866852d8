// "No other module fetches": the ESLint rule must flag every way of reaching the network outside the gate,
// and src/ must have no such use today.
import { ESLint } from 'eslint';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const EGRESS_RULES = new Set(['no-restricted-globals', 'no-restricted-syntax']);
// Only the egress rules run (the project's own config, nothing else): every other rule over all of src/ made
// this take over a minute on a loaded machine, and `npm run lint` checks those anyway.
const eslint = new ESLint({ cwd: root, ruleFilter: ({ ruleId }) => EGRESS_RULES.has(ruleId) });

async function egressErrors(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  return result!.messages
    .filter((m) => m.ruleId !== null && EGRESS_RULES.has(m.ruleId))
    .map((m) => m.message);
}

// Linting is CPU work: on a loaded 2-core machine one file can take seconds, all of src/ a minute or more.
describe('egress lint rule', { timeout: 180_000 }, () => {
  it.each([
    ['fetch', "export const r = fetch('https://example.com');"],
    ['globalThis.fetch', "export const r = globalThis.fetch('https://example.com');"],
    ['self.fetch', "export const r = self.fetch('https://example.com');"],
    ['window.fetch', "export const r = window.fetch('https://example.com');"],
    ['sendBeacon', "export const r = navigator.sendBeacon('https://example.com', 'x');"],
    ['XMLHttpRequest', 'export const r = new XMLHttpRequest();'],
    ['WebSocket', "export const r = new WebSocket('wss://example.com');"],
    ['EventSource', "export const r = new EventSource('https://example.com');"],
  ])('flags %s in a router module', async (_name, code) => {
    expect(await egressErrors(code, 'src/router/sneaky.ts')).not.toEqual([]);
  });

  it('allows fetch in the egress gate itself', async () => {
    expect(
      await egressErrors("export const r = fetch('https://example.com');", 'src/privacy/egress-gate.ts'),
    ).toEqual([]);
  });

  it('finds no network call anywhere in src/ outside the gate', async () => {
    const results = await eslint.lintFiles(['src/**/*.ts']);
    const offenders = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId !== null && EGRESS_RULES.has(m.ruleId))
        .map((m) => `${r.filePath}:${m.line} ${m.message}`),
    );
    expect(offenders).toEqual([]);
  });
});
