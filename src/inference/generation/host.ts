// Serves the generation engine on the worker's global scope. Generations queue in arrival order (one
// context, one request at a time); a cancel drops a waiting request or aborts the running one inside
// llama.cpp. Loading a model waits for the running generation, and requests still waiting are dropped.
import type { Endpoint } from '../../platform/messages';
import type { GenerationEngine } from './engine';
import { GenerationCancelledError, toGenerationErrorData } from './errors';
import type { FromGeneration, ToGeneration } from './protocol';

interface Job {
  id: number;
  enqueued: number;
  abort: AbortController;
  run: (queueMs: number, signal: AbortSignal) => Promise<void>;
}

export function serveGeneration(
  endpoint: Endpoint<ToGeneration, FromGeneration>,
  engine: GenerationEngine,
): () => void {
  const send = (m: FromGeneration) => endpoint.postMessage(m);
  const fail = (id: number, err: unknown) => send({ type: 'error', id, error: toGenerationErrorData(err) });
  const waiting: Job[] = [];
  let running: Job | null = null;
  let tokensStreamed = 0;
  // Loads and unloads run on the same chain, so a model never changes under a generation.
  let chain: Promise<unknown> = Promise.resolve();

  const pump = () => {
    if (running) return;
    const job = waiting.shift();
    if (!job) return;
    running = job;
    chain = chain
      .then(() => job.run(performance.now() - job.enqueued, job.abort.signal))
      .finally(() => {
        running = null;
        pump();
      });
  };

  const onMessage = (e: MessageEvent<ToGeneration>) => {
    const m = e.data;
    switch (m.type) {
      case 'generate':
        waiting.push({
          id: m.id,
          enqueued: performance.now(),
          abort: new AbortController(),
          run: async (queueMs, signal) => {
            send({ type: 'started', id: m.id });
            try {
              const onToken = (text: string) => {
                tokensStreamed++;
                send({ type: 'token', id: m.id, text });
              };
              const r = await engine.generate(m.input, m.options, onToken, signal);
              send({ type: 'done', id: m.id, result: { ...r, queueMs, totalMs: r.totalMs + queueMs } });
            } catch (err) {
              fail(m.id, err);
            }
          },
        });
        pump();
        return;
      case 'cancel': {
        const i = waiting.findIndex((j) => j.id === m.id);
        if (i >= 0) {
          waiting.splice(i, 1);
          fail(m.id, new GenerationCancelledError('cancelled'));
        } else if (running?.id === m.id) running.abort.abort();
        return;
      }
      case 'load':
      case 'unload':
        for (const j of waiting.splice(0)) fail(j.id, new GenerationCancelledError('unloaded'));
        running?.abort.abort();
        chain = chain.then(async () => {
          try {
            if (m.type === 'load')
              send({ type: 'loaded', id: m.id, info: await engine.load(m.model, m.file, m.options) });
            else {
              await engine.unload();
              send({ type: 'unloaded', id: m.id });
            }
          } catch (err) {
            fail(m.id, err);
          }
        });
        return;
      case 'status':
        send({
          type: 'status',
          id: m.id,
          status: {
            loaded: engine.loaded(),
            queued: waiting.length,
            running: running?.id ?? null,
            tokensStreamed,
          },
        });
        return;
      default: {
        const bad: never = m;
        console.error('generation worker: unknown message', bad);
      }
    }
  };
  endpoint.addEventListener('message', onMessage);
  return () => endpoint.removeEventListener('message', onMessage);
}
