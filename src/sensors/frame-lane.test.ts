import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { Endpoint } from '../platform/messages';
import { createFrameReceiver, createFrameSender, FrameLaneError, type FrameMeta } from './frame-lane';

// Node's MessagePort implements the same postMessage/transfer semantics as the browser's: a transferred
// ArrayBuffer is detached on the sending side. Browser frames (VideoFrame) are covered by e2e/sensors-camera.
const channels: MessageChannel[] = [];
function lane(): [Endpoint, Endpoint] {
  const ch = new MessageChannel();
  channels.push(ch);
  return [ch.port1 as unknown as Endpoint, ch.port2 as unknown as Endpoint];
}
afterEach(() => {
  for (const ch of channels.splice(0)) {
    ch.port1.close();
    ch.port2.close();
  }
});

const tick = () => new Promise((r) => setTimeout(r, 5));
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await tick();
  if (!cond()) throw new Error('condition not reached');
}
function frame(fill: number): ArrayBuffer {
  return new Uint8Array(1024).fill(fill).buffer;
}
const meta = (seq: number) => ({ seq, ts: 1000 + seq, width: 32, height: 32 });

describe('frame lane', () => {
  it('transfers frames: the sender side is detached and the bytes arrive intact', async () => {
    const [a, b] = lane();
    const got: { first: number; meta: FrameMeta }[] = [];
    createFrameReceiver<ArrayBuffer>(b, (f, m) => {
      got.push({ first: new Uint8Array(f)[0]!, meta: m });
    });
    const sender = createFrameSender<ArrayBuffer>(a);
    const f = frame(7);
    expect(sender.offer(f, meta(0))).toBe('sent');
    expect(f.byteLength).toBe(0);
    await until(() => got.length === 1);
    expect(got[0]).toEqual({ first: 7, meta: { ...meta(0), dropped: 0 } });
  });

  it('with a busy consumer keeps only the newest frame, releases the replaced ones and counts them', async () => {
    const [a, b] = lane();
    const handled: number[] = [];
    let unblock: () => void = () => {};
    createFrameReceiver<ArrayBuffer>(b, async (f, m) => {
      handled.push(new Uint8Array(f)[0]!);
      if (m.seq === 0) await new Promise<void>((r) => (unblock = r));
    });
    const released: number[] = [];
    const sender = createFrameSender<ArrayBuffer>(a, {
      release: (f) => released.push(new Uint8Array(f)[0]!),
    });
    expect(sender.offer(frame(0), meta(0))).toBe('sent');
    await until(() => handled.length === 1);
    for (let i = 1; i <= 5; i++) expect(sender.offer(frame(i), meta(i))).toBe('pending');
    expect(released).toEqual([1, 2, 3, 4]);
    expect(sender.stats()).toMatchObject({ offered: 6, sent: 1, dropped: 4, inFlight: 1, pending: true });
    unblock();
    await until(() => handled.length === 2);
    expect(handled).toEqual([0, 5]);
    await until(() => sender.stats().inFlight === 0);
    expect(sender.stats()).toMatchObject({ sent: 2, dropped: 4, pending: false });
  });

  it("waiting: 'none' keeps no frame while the consumer is busy: each is released at once, the next after it is free is sent", async () => {
    const [a, b] = lane();
    const handled: number[] = [];
    let unblock: () => void = () => {};
    createFrameReceiver<ArrayBuffer>(b, async (f, m) => {
      handled.push(new Uint8Array(f)[0]!);
      if (m.seq === 0) await new Promise<void>((r) => (unblock = r));
    });
    const released: number[] = [];
    const sender = createFrameSender<ArrayBuffer>(a, {
      waiting: 'none',
      release: (f) => released.push(new Uint8Array(f)[0]!),
    });
    expect(sender.offer(frame(0), meta(0))).toBe('sent');
    await until(() => handled.length === 1);
    for (let i = 1; i <= 3; i++) expect(sender.offer(frame(i), meta(i))).toBe('dropped');
    expect(released).toEqual([1, 2, 3]);
    expect(sender.stats()).toMatchObject({ offered: 4, sent: 1, dropped: 3, inFlight: 1, pending: false });
    unblock();
    await until(() => sender.stats().inFlight === 0);
    expect(handled).toEqual([0]); // nothing was kept to send when the credit came back
    expect(sender.offer(frame(4), meta(4))).toBe('sent');
    await until(() => handled.length === 2);
    expect(handled).toEqual([0, 4]);
  });

  it('carries the dropped count in the metadata of the next frame sent', async () => {
    const [a, b] = lane();
    const metas: FrameMeta[] = [];
    let unblock: () => void = () => {};
    createFrameReceiver<ArrayBuffer>(b, async (_f, m) => {
      metas.push(m);
      if (m.seq === 0) await new Promise<void>((r) => (unblock = r));
    });
    const sender = createFrameSender<ArrayBuffer>(a, { release: () => {} });
    sender.offer(frame(0), meta(0));
    await until(() => metas.length === 1);
    sender.offer(frame(1), meta(1));
    sender.offer(frame(2), meta(2));
    sender.offer(frame(3), meta(3));
    unblock();
    await until(() => metas.length === 2);
    expect(metas[1]).toMatchObject({ seq: 3, dropped: 2 });
  });

  it('a throwing consumer costs one frame: the error comes back as data and the lane goes on', async () => {
    const [a, b] = lane();
    const errors: { name: string; message: string; seq: number | null }[] = [];
    let ok = 0;
    const receiver = createFrameReceiver<ArrayBuffer>(b, (_f, m) => {
      if (m.seq === 1) throw new RangeError('model exploded');
      ok++;
    });
    const sender = createFrameSender<ArrayBuffer>(a, {
      onConsumerError: (e, seq) => errors.push({ name: e.name, message: e.message, seq }),
    });
    for (let i = 0; i < 3; i++) {
      sender.offer(frame(i), meta(i));
      await until(() => sender.stats().inFlight === 0);
    }
    expect(ok).toBe(2);
    expect(errors).toEqual([{ name: 'RangeError', message: 'model exploded', seq: 1 }]);
    expect(receiver.stats()).toMatchObject({ received: 3, handled: 2, errors: 1 });
  });

  it('answers a malformed message with an error naming its type, and ignores bogus credits', async () => {
    const [a, b] = lane();
    const receiver = createFrameReceiver<ArrayBuffer>(b, () => {});
    const errors: string[] = [];
    const sender = createFrameSender<ArrayBuffer>(a, { onConsumerError: (e) => errors.push(e.message) });
    a.postMessage({ type: 'lane.bogus' }, []);
    await until(() => errors.length === 1);
    expect(errors[0]).toMatch(/unknown type "lane.bogus"/);
    expect(receiver.stats().malformed).toBe(1);
    // A consumer that grants more than it was given cannot open the floodgates.
    b.postMessage({ type: 'lane.credit', count: 50 }, []);
    b.postMessage({ type: 'lane.credit', count: -1 }, []);
    await until(() => sender.stats().malformed === 1);
    expect(sender.offer(frame(1), meta(1))).toBe('sent');
    expect(sender.offer(frame(2), meta(2))).toBe('pending');
  });

  it('closing releases the pending frame, tells the consumer, and refuses later offers', async () => {
    const [a, b] = lane();
    let reason = '';
    createFrameReceiver<ArrayBuffer>(b, () => new Promise(() => {}), { onClose: (r) => (reason = r) });
    const released: number[] = [];
    const sender = createFrameSender<ArrayBuffer>(a, {
      release: (f) => released.push(new Uint8Array(f)[0]!),
    });
    sender.offer(frame(1), meta(1));
    sender.offer(frame(2), meta(2));
    sender.close('camera stopped');
    expect(released).toEqual([2]);
    await until(() => reason !== '');
    expect(reason).toBe('camera stopped');
    expect(() => sender.offer(frame(3), meta(3))).toThrow(FrameLaneError);
    expect(released).toEqual([2, 3]);
  });

  it('shows how long a dead consumer has held every credit, and can let go of the waiting frame', async () => {
    const [a, b] = lane();
    let t = 0;
    const released: number[] = [];
    createFrameReceiver<ArrayBuffer>(b, () => new Promise(() => {})); // never finishes: a hung worker
    const sender = createFrameSender<ArrayBuffer>(a, {
      now: () => t,
      release: (f) => released.push(new Uint8Array(f)[0]!),
    });
    expect(sender.stats().stalledForMs).toBe(0);
    t = 100;
    sender.offer(frame(1), meta(1));
    sender.offer(frame(2), meta(2));
    t = 2600;
    expect(sender.stats().stalledForMs).toBe(2500);
    sender.dropPending();
    expect(released).toEqual([2]);
    expect(sender.stats()).toMatchObject({ pending: false, dropped: 1 });
  });

  it('rejects a credit count that is not a whole number ≥ 1', () => {
    const [a] = lane();
    expect(() => createFrameSender(a, { credits: 0 })).toThrow(/credits must be/);
  });
});
