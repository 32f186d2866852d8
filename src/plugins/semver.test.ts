import { expect, test } from 'vitest';
import { compareSemver, isSemver } from './semver';

test('orders versions by semver precedence', () => {
  const sorted = [
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
    '1.2.0',
    '1.10.0',
    '2.0.0',
  ];
  for (let i = 0; i < sorted.length - 1; i++) {
    expect(compareSemver(sorted[i]!, sorted[i + 1]!)).toBe(-1);
    expect(compareSemver(sorted[i + 1]!, sorted[i]!)).toBe(1);
  }
  expect(compareSemver('1.0.0+build.1', '1.0.0+build.2')).toBe(0);
});

test('recognises what is not a version', () => {
  for (const bad of ['1', '1.0', '01.0.0', '1.0.0-', 'v1.0.0', '1.0.0.0']) expect(isSemver(bad)).toBe(false);
  expect(() => compareSemver('1.0', '1.0.0')).toThrow(/not a semantic version/);
});
