// Hybrid time-to-first-answer vs cloud-only, same clips, same endpoint, same injected cloud latency.
// Cloud: real Whisper base on the dev endpoint (the clip is uploaded after the declared audio.clip.share step,
// with consent). Local draft: Whisper tiny's real transcript and latency for the same clip, as recorded on this
// machine by scripts/dev-endpoint/record-stt-outcomes.mjs and replayed here — the in-browser Whisper tiny lives
// in src/inference/ (another branch); once merged, `sentio.infer` replaces the replay.
import goforward from '../e2e/fixtures/media/goforward.wav?url';
import librivox0870 from '../e2e/fixtures/media/librivox-0870.wav?url';
import librivox0880 from '../e2e/fixtures/media/librivox-0880.wav?url';
import data from './data/stt-outcomes.json';
import { createLocalBus } from '../src/bus/local-bus';
import { declassify } from '../src/privacy/labels';
import { browserNetwork } from '../src/router/network';
import type { LocalInference } from '../src/router/router';
import { createRoutingStack } from '../src/router/stack';
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

const recorded = new Map(
  (data.rows as { clip: string; snrDb: number | null; tinyText: string; tinyMs: number }[])
    .filter((r) => r.snrDb === null)
    .map((r) => [r.clip, r]),
);

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
  const replay: LocalInference = {
    supports: (task) => task === 'speech.transcribe',
    estimateLatencyMs: () => 1000,
    run: async (_task, input) => {
      const r = recorded.get((input as { id: string }).id)!;
      await new Promise((resolve) => setTimeout(resolve, r.tinyMs));
      return { output: { text: r.tinyText }, confidence: 0.7 };
    },
  };
  const hybrid = await stack('hybrid', replay);
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
      const o = await cloudOnly.router.infer('speech.transcribe', { ...c }, { privacy });
      const cloudMs = performance.now() - t;
      if (o.decision.route !== 'cloud') throw new Error(`expected cloud, got ${o.decision.code}`);
      if (rep >= 0) {
        firstHybrid.push(first);
        refinedHybrid.push(refined);
        refinedSpeculative.push(speculativeMs);
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
  ];
});
