import { afterEach, describe, expect, it } from 'vitest';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { createInferenceClient } from './client';
import { InferenceWorkerError } from './errors';
import type { FromWorker, ToWorker } from './protocol';

// A real MessageChannel (structured clone and transfer as between threads); the far port answers each
// infer with what it received.
let ports: MessagePort[] = [];
afterEach(() => {
  for (const p of ports) p.close();
  ports = [];
});

function connected() {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const received: Extract<ToWorker, { type: 'infer' }>[] = [];
  port2.on('message', (m: ToWorker) => {
    if (m.type !== 'infer') return;
    received.push(m);
    port2.postMessage({ type: 'result', id: m.id, result: {} } as unknown as FromWorker);
  });
  const endpoint = port1 as unknown as Parameters<typeof createInferenceClient>[0];
  return { client: createInferenceClient(endpoint), received };
}

describe('inference client', () => {
  it("posts a subarray's own samples, not the whole buffer it is a view of", async () => {
    const { client, received } = connected();
    const recording = Float32Array.from({ length: 160_000 }, (_, i) => i);
    const batch = recording.subarray(4096, 8192);
    await client.infer('voice-activity', batch, { stream: 's' });
    const sent = received[0]!.input as Float32Array;
    expect(sent.buffer.byteLength).toBe(4096 * 4);
    expect(sent[0]).toBe(4096);
    expect(sent.at(-1)).toBe(8191);
    expect(recording[4096]).toBe(4096); // the caller's recording is untouched
  });

  it('transfers a whole buffer when asked, leaving the caller with a detached array', async () => {
    const { client, received } = connected();
    const chunk = new Float32Array(4096).fill(0.25);
    await client.infer('voice-activity', chunk, { transfer: true });
    expect((received[0]!.input as Float32Array).length).toBe(4096);
    expect(chunk.length).toBe(0);
  });

  it('a worker that dies rejects what is in flight and what comes later, and tells onCrash once, late listeners at once', async () => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const client = createInferenceClient(port1 as unknown as Parameters<typeof createInferenceClient>[0]);
    const told: string[] = [];
    client.onCrash((e) => told.push(`early ${e.name}`));
    const inFlight = client.infer('voice-activity', new Float32Array(512));
    const died = Object.assign(new Event('error'), { message: 'boom at frame 7' });
    port1.dispatchEvent(died);
    port1.dispatchEvent(died);
    await expect(inFlight).rejects.toMatchObject({
      name: 'InferenceWorkerError',
      message: expect.stringContaining('boom at frame 7'),
    });
    await expect(client.infer('pose', new Uint8Array(4))).rejects.toMatchObject({
      name: 'InferenceWorkerError',
    });
    client.onCrash((e) => told.push(`late ${e.name}`));
    expect(told).toEqual(['early InferenceWorkerError', 'late InferenceWorkerError']);
  });

  it('a client on a port is told its worker died (fail) and then goes as on a crash', async () => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    // The far end never answers: a port to a dead worker.
    const client = createInferenceClient(port1 as unknown as Parameters<typeof createInferenceClient>[0]);
    const told: string[] = [];
    client.onCrash((e) => told.push(e.reason));
    const inFlight = client.infer('pose', new Uint8Array(4));
    client.fail(new InferenceWorkerError('the slow-vision worker died'));
    client.fail(new InferenceWorkerError('a second report'));
    await expect(inFlight).rejects.toMatchObject({ reason: 'the slow-vision worker died' });
    await expect(client.infer('pose', new Uint8Array(4))).rejects.toMatchObject({
      reason: 'the slow-vision worker died',
    });
    expect(told).toEqual(['the slow-vision worker died']);
  });
});
