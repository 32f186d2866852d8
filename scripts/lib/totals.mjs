// One closing line for the whole suite ("tests: N passed, N failed"), summed from the runners' JSON reports,
// so a reader (or CI) sees at a glance how many tests ran across Vitest and Playwright.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { root } from './env.mjs';

function countVitest(report) {
  return {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: report.numPendingTests ?? 0,
  };
}

function countPlaywright(report) {
  const s = report.stats ?? {};
  return { passed: s.expected ?? 0, failed: (s.unexpected ?? 0) + (s.flaky ?? 0), skipped: s.skipped ?? 0 };
}

/** Prints the totals; returns false when a report is missing (a runner that died before reporting). */
export function printTotals(files) {
  const sum = { passed: 0, failed: 0, skipped: 0 };
  let complete = true;
  for (const f of files) {
    const path = resolve(root, f);
    if (!existsSync(path)) {
      console.error(`[sentio] no test report at ${f}: that runner did not finish`);
      complete = false;
      continue;
    }
    const report = JSON.parse(readFileSync(path, 'utf8'));
    const c = 'numPassedTests' in report ? countVitest(report) : countPlaywright(report);
    sum.passed += c.passed;
    sum.failed += c.failed;
    sum.skipped += c.skipped;
  }
  console.log(`\ntests: ${sum.passed} passed, ${sum.failed} failed, ${sum.skipped} skipped`);
  return complete && sum.failed === 0 && sum.passed > 0;
}
