// UUIDv7 ids (RFC 9562): 48-bit ms timestamp, then randomness, so ids sort by creation time. Within one
// millisecond a 12-bit counter keeps them strictly increasing from one generator.

import type { EventId } from './event';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export type RandomFill = (buf: Uint8Array<ArrayBuffer>) => void;

const cryptoFill: RandomFill = (buf) => crypto.getRandomValues(buf);

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export interface IdGenerator {
  next(): EventId;
}

/** Clock and randomness are injected so tests can make ids deterministic. */
export function createIdGenerator(clock: Clock = systemClock, fill: RandomFill = cryptoFill): IdGenerator {
  // Random bytes are drawn in blocks: one getRandomValues call per 512 ids instead of per id.
  const pool = new Uint8Array(8 * 512);
  let poolAt = pool.length;
  let lastMs = -1;
  let counter = 0;
  const bytes = new Uint8Array(16);

  return {
    next(): EventId {
      let ms = clock.now();
      if (ms <= lastMs) {
        // Same millisecond (or the clock stepped back): keep order by counting on from the last id.
        ms = lastMs;
        counter++;
        if (counter > 0xfff) {
          ms = lastMs + 1;
          counter = 0;
        }
      } else {
        counter = 0;
      }
      lastMs = ms;
      if (poolAt + 8 > pool.length) {
        fill(pool);
        poolAt = 0;
      }
      const hi = Math.floor(ms / 0x1000000);
      const lo = ms % 0x1000000;
      bytes[0] = (hi >>> 16) & 0xff;
      bytes[1] = (hi >>> 8) & 0xff;
      bytes[2] = hi & 0xff;
      bytes[3] = (lo >>> 16) & 0xff;
      bytes[4] = (lo >>> 8) & 0xff;
      bytes[5] = lo & 0xff;
      bytes[6] = 0x70 | (counter >>> 8);
      bytes[7] = counter & 0xff;
      bytes[8] = 0x80 | (pool[poolAt]! & 0x3f);
      for (let i = 1; i < 8; i++) bytes[8 + i] = pool[poolAt + i]!;
      poolAt += 8;
      let s = '';
      for (let i = 0; i < 16; i++) {
        s += HEX[bytes[i]!]!;
        if (i === 3 || i === 5 || i === 7 || i === 9) s += '-';
      }
      return s as EventId;
    },
  };
}

export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The millisecond timestamp inside a UUIDv7. */
export function idTime(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
