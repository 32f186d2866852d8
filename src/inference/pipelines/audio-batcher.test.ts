import { describe, expect, it } from 'vitest';
import { createAudioBatcher } from './audio-batcher';

const chunk = (n: number, value: number) => new Float32Array(n).fill(value);

function manualSender() {
  const sent: { batch: Float32Array; ts: number }[] = [];
  const done: (() => void)[] = [];
  const send = (batch: Float32Array, ts: number) => {
    sent.push({ batch, ts });
    return new Promise<void>((r) => done.push(r));
  };
  const finishNext = async () => {
    done.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { sent, send, finishNext };
}

describe('createAudioBatcher', () => {
  it('sends a batch once it has the minimum, stamped with its first sample’s time', () => {
    const m = manualSender();
    const b = createAudioBatcher(1024, m.send);
    b.push(chunk(512, 1), 1000);
    expect(m.sent).toHaveLength(0);
    b.push(chunk(512, 2), 1032);
    expect(m.sent).toHaveLength(1);
    expect(m.sent[0]!.ts).toBe(1000);
    expect([...m.sent[0]!.batch.slice(510, 514)]).toEqual([1, 1, 2, 2]);
  });

  it('while a request runs, gathers everything into the next one: no sample dropped, order kept', async () => {
    const m = manualSender();
    const b = createAudioBatcher(512, m.send);
    b.push(chunk(512, 1), 0);
    for (let i = 2; i <= 6; i++) b.push(chunk(512, i), i * 32);
    expect(m.sent).toHaveLength(1);
    expect(b.stats()).toMatchObject({ sent: 1, waiting: 5 * 512 });
    await m.finishNext();
    expect(m.sent).toHaveLength(2);
    const second = m.sent[1]!;
    expect(second.batch.length).toBe(5 * 512);
    expect(second.ts).toBe(64);
    expect([...new Set(second.batch)]).toEqual([2, 3, 4, 5, 6]);
    expect(b.stats()).toMatchObject({ sent: 2, waiting: 0, largest: 5 * 512 });
  });

  it('a failed request does not stop the stream', async () => {
    let n = 0;
    const sent: number[] = [];
    const b = createAudioBatcher(1, (batch) => {
      sent.push(batch[0]!);
      return n++ === 0 ? Promise.reject(new Error('worker busy')) : Promise.resolve();
    });
    b.push(chunk(1, 7), 0);
    b.push(chunk(1, 8), 1);
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual([7, 8]);
  });

  it('copies what it is given (the caller may reuse its buffer) and refuses what is not audio', () => {
    const m = manualSender();
    const b = createAudioBatcher(2, m.send);
    const buf = chunk(1, 1);
    b.push(buf, 0);
    buf[0] = 9;
    b.push(chunk(1, 2), 1);
    expect([...m.sent[0]!.batch]).toEqual([1, 2]);
    expect(() => b.push([1, 2] as unknown as Float32Array, 0)).toThrow(
      'audio samples must be a Float32Array',
    );
    expect(() => createAudioBatcher(0, m.send)).toThrow(/whole number ≥ 1/);
  });
});
