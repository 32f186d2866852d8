import { describe, expect, it } from 'vitest';
import { canonicalJson, CanonicalJsonError } from './canonical-json';

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and drops whitespace, at every depth', () => {
    expect(canonicalJson({ b: 1, a: [{ d: true, c: null }], '€': 'x', Z: 'y' })).toBe(
      '{"Z":"y","a":[{"c":null,"d":true}],"b":1,"€":"x"}',
    );
    // RFC 8785 §3.2.3: code-unit order puts U+1F600 (surrogates D83D…) before U+FB33.
    expect(canonicalJson({ '\uFB33': 1, '\u{1F600}': 2 })).toBe('{"\u{1F600}":2,"\uFB33":1}');
  });
  it('writes numbers as ECMAScript does (RFC 8785 §3.2.2.3)', () => {
    expect(canonicalJson([1e21, 1e-7, -0, 0.1 + 0.2, 333333333.3333333])).toBe(
      '[1e+21,1e-7,0,0.30000000000000004,333333333.3333333]',
    );
  });
  it('is the same for the same data built in another order', () => {
    expect(canonicalJson({ x: 1, y: { p: 2, q: 3 } })).toBe(canonicalJson({ y: { q: 3, p: 2 }, x: 1 }));
  });
  it('leaves out fields set to undefined, like JSON', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });
  it.each([
    [{ cost: Number.NaN }, '$.cost', 'NaN'],
    [{ a: [1, Infinity] }, '$.a[1]', 'Infinity'],
    [[undefined], '$[0]', 'undefined'],
    [{ n: 10n }, '$.n', 'bigint'],
    [{ m: new Map() }, '$.m', 'Map'],
    [{ d: new Date(0) }, '$.d', 'Date'],
    [{ f: () => 1 }, '$.f', 'function'],
  ])('refuses %o at %s, naming it', (value, path, what) => {
    const err = (() => {
      try {
        canonicalJson(value);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(CanonicalJsonError);
    expect((err as CanonicalJsonError).path).toBe(path);
    expect((err as Error).message).toContain(what);
  });
});
