// Serves an inference engine on an endpoint (the worker's global scope, or a port another worker calls it on):
// decodes requests, runs them, and sends results or errors as data; starts perception runs (perception-run.ts).
// Load progress and GPU device losses are pushed as they happen.
import type { InferenceEngine } from './engine';
import { toInferenceErrorData } from './errors';
import type { Endpoint } from '../platform/messages';
import type { FromWorker, ToWorker } from './protocol';
import { runPerception } from './perception-run';

export function serveInference(
  endpoint: Endpoint<ToWorker, FromWorker>,
  engine: Promise<InferenceEngine>,
): () => void {
  const send = (m: FromWorker) => endpoint.postMessage(m);
  const fail = (id: number, err: unknown) => send({ type: 'error', id, error: toInferenceErrorData(err) });

  const onMessage = async (e: MessageEvent<ToWorker>) => {
    const m = e.data;
    // Runs wait for the engine themselves: their frames must not queue behind a model load here.
    if (m.type === 'perceive') return runPerception(m.init, engine);
    if (m.type === 'serve') {
      serveInference(m.port as Endpoint<ToWorker, FromWorker>, engine);
      return m.port.start();
    }
    let eng: InferenceEngine;
    try {
      eng = await engine;
    } catch (err) {
      if ('id' in m) fail(m.id, err);
      return;
    }
    switch (m.type) {
      case 'infer':
        try {
          send({ type: 'result', id: m.id, result: await eng.infer(m.id, m.task, m.input, m.options) });
        } catch (err) {
          fail(m.id, err);
        } finally {
          // A transferred camera frame is ours to close once the model has read it.
          if (typeof VideoFrame !== 'undefined' && m.input instanceof VideoFrame) m.input.close();
        }
        return;
      case 'cancel':
        eng.cancel(m.id);
        return;
      case 'add-model':
        try {
          send({ type: 'model-added', id: m.id, model: eng.addModel(m.entry).id });
        } catch (err) {
          fail(m.id, err);
        }
        return;
      case 'release':
        await eng.release(m.task);
        send({ type: 'released', id: m.id });
        return;
      case 'stats':
        send({ type: 'stats', id: m.id, stats: eng.stats() });
        return;
      default: {
        const bad: never = m;
        console.error('inference worker: unknown message', bad);
      }
    }
  };
  endpoint.addEventListener('message', onMessage);
  return () => endpoint.removeEventListener('message', onMessage);
}

/** Forwards what the engine reports on its own. */
export function progressSender(endpoint: Endpoint<unknown, FromWorker>) {
  return {
    onProgress: (progress: Extract<FromWorker, { type: 'progress' }>['progress']) =>
      endpoint.postMessage({ type: 'progress', progress } satisfies FromWorker),
    onDeviceLost: (info: { backend: string; reason: string; count: number }) =>
      endpoint.postMessage({ type: 'device-lost', ...info } satisfies FromWorker),
  };
}
