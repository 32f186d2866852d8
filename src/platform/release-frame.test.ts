import { describe, expect, it } from 'vitest';
import { releaseFrame } from './release-frame';

describe('releaseFrame', () => {
  it('closes what has a close() and leaves anything else alone', () => {
    let closed = 0;
    releaseFrame({ close: () => closed++ });
    for (const other of [null, undefined, new Uint8Array(4), { close: 'no' }, 7]) releaseFrame(other);
    expect(closed).toBe(1);
  });
});
