// Hybrid time-to-first-answer and time-to-refined vs cloud-only, same clips, same endpoint, same injected
// cloud latency. Cloud: real Whisper base on the dev endpoint (the clip is uploaded after the declared
// audio.clip.share step, with consent). Local draft: real Whisper tiny in the inference worker, through the
// router's LocalInference adapter (what `sentio.infer('speech-recognition', …)` runs). Both run on this
// machine's CPU, so a speculative cloud call competes with the local model for the same cores.
import goforward from '../e2e/fixtures/media/goforward.wav?url';
import librivox0870 from '../e2e/fixtures/media/librivox-0870.wav?url';
import librivox0880 from '../e2e/fixtures/media/librivox-0880.wav?url';
import { createLocalBus } from '../src/bus/local-bus';
import { startInferenceWorker } from '../src/inference/client';
import { declassify } from '../src/privacy/labels';
import { createLocalInference } from '../src/router/local-inference';
import { browserNetwork } from '../src/router/network';
import type { LocalInference } from '../src/router/router';
import { createRoutingStack } from '../src/router/stack';
import { DEFAULT_POLICY } from '../src/router/types';
import { transcribeTask } from '../src/router/tasks';
import { openDatabase } from '../src/storage/db';
import { compare, median, runBench } from './harness';

const ENDPOINT = import.meta.env.VITE_SENTIO_DEV_ENDPOINT ?? 'http://127.0.0.1:8790';
const CLOUD_LATENCY_MS = 300;
const REPS = 3;
const CLIPS = [
  { id: 'goforward', url: goforward },
  { id: 'librivox-0870', url: librivox0870 },
  { id: 'librivox-0880', url: librivox0880 },
];

// Every clip through hybrid, whatever tiny's confidence: this bench measures the hybrid path itself. The low
// threshold stays above 0 so that the decision before the local answer is "cloud" — the one speculation acts on.
const ALWAYS_HYBRID = { ...DEFAULT_POLICY, highConfidence: 1.01, lowConfidence: 0.01 };

async function stack(name: string, local?: LocalInference) {
  const s = await createRoutingStack({
    db: openDatabase(`bench-hybrid-${name}-${Date.now()}`),
    bus: createLocalBus({ name: `bench.${name}` }),
    endpoint: {
      id: 'dev',
      baseUrl: ENDPOINT,
      clearance: 'private',
      model: 'sentio-dev-echo',
      costPer1kTokens: 0,
    },
    network: browserNetwork(window),
    ...(local ? { local } : {}),
    policy: ALWAYS_HYBRID,
    cloudTasks: { 'speech.transcribe': transcribeTask },
    timeoutMs: 120_000,
  });
  await s.consent.grant({ capability: 'cloud.audio', endpoint: 'dev' });
  return s;
}

runBench(async (progress) => {
  // The endpoint's control API, not runtime egress: sets the injected latency for both paths.
  await fetch(`${ENDPOINT}/__dev/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ latencyMs: CLOUD_LATENCY_MS }),
  });
  const local = createLocalInference(startInferenceWorker());
  const hybrid = await stack('hybrid', local);
  const cloudOnly = await stack('cloud');
  const clips = await Promise.all(
    CLIPS.map(async (c) => ({
      ...c,
      clip: new Blob([await (await fetch(c.url)).arrayBuffer()], { type: 'audio/wav' }),
    })),
  );
  const firstHybrid: number[] = [];
  const refinedHybrid: number[] = [];
  const refinedSpeculative: number[] = [];
  const cloud: number[] = [];
  const localOnly: number[] = [];
  // The warm-up loads Whisper tiny in the worker and Whisper base on the endpoint.
  for (let rep = -1; rep < REPS; rep++) {
    for (const c of clips) {
      progress(`${rep < 0 ? 'warm-up' : `rep ${rep + 1}`}: ${c.id}`);
      const privacy = await declassify('local', 'audio.clip.share', 'dev', hybrid);
      let t = performance.now();
      const h = await hybrid.router.infer('speech.transcribe', { ...c }, { privacy });
      const first = performance.now() - t;
      if (h.decision.route !== 'hybrid') throw new Error(`expected hybrid, got ${h.decision.code}`);
      if (!(await h.refined)) throw new Error(`refinement of ${c.id} failed`);
      const refined = performance.now() - t;
      t = performance.now();
      const sp = await hybrid.router.infer('speech.transcribe', { ...c }, { privacy, speculate: true });
      if (!(await sp.refined)) throw new Error(`speculative refinement of ${c.id} failed`);
      const speculativeMs = performance.now() - t;
      t = performance.now();
      await local.run('speech.transcribe', { clip: c.clip }, {});
      const localMs = performance.now() - t;
      t = performance.now();
      const o = await cloudOnly.router.infer('speech.transcribe', { ...c }, { privacy });
      const cloudMs = performance.now() - t;
      if (o.decision.route !== 'cloud') throw new Error(`expected cloud, got ${o.decision.code}`);
      if (rep >= 0) {
        firstHybrid.push(first);
        refinedHybrid.push(refined);
        refinedSpeculative.push(speculativeMs);
        localOnly.push(localMs);
        cloud.push(cloudMs);
      }
    }
  }
  return [
    compare(
      'router-hybrid',
      `time to first answer: hybrid vs cloud-only (cloud +${CLOUD_LATENCY_MS} ms), median ms`,
      median(firstHybrid),
      median(cloud),
      'ms',
      { op: '<=', ratio: 1 },
    ),
    compare(
      'router-hybrid',
      'time to refined answer: hybrid vs cloud-only, median ms',
      median(refinedHybrid),
      median(cloud),
      'ms',
    ),
    compare(
      'router-hybrid',
      'time to refined answer: speculative hybrid (cloud starts with local) vs cloud-only, median ms',
      median(refinedSpeculative),
      median(cloud),
      'ms',
    ),
    compare(
      'router-hybrid',
      'local Whisper tiny alone (adapter, no router) vs cloud-only, median ms',
      median(localOnly),
      median(cloud),
      'ms',
    ),
  ];
});
