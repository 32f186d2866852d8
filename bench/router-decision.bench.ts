// What the router adds to a local answer: the same local inference called directly, and through
// router.infer (policy twice, the bus publication of the decision, its IndexedDB record), same run.
import clipUrl from '../e2e/fixtures/media/goforward.wav?url';
import { createLocalBus } from '../src/bus/local-bus';
import { browserNetwork } from '../src/router/network';
import type { LocalInference } from '../src/router/router';
import { createRoutingStack } from '../src/router/stack';
import { transcribeTask } from '../src/router/tasks';
import { openDatabase } from '../src/storage/db';
import { audioFeatures } from '../scripts/dev-endpoint/stt-features.mjs';
import { compare, median, runBench } from './harness';

const N = 400;

async function loadClip(): Promise<Float32Array> {
  const bytes = await (await fetch(clipUrl)).arrayBuffer();
  const audio = await new OfflineAudioContext(1, 16000, 16000).decodeAudioData(bytes);
  return audio.getChannelData(0).slice(0, 16000);
}

runBench(async (progress) => {
  const samples = await loadClip();
  // Real local work: the acoustic features of one second of real speech, with a confidence from its SNR.
  const local: LocalInference = {
    supports: (task) => task === 'speech.activity',
    estimateLatencyMs: () => 1,
    run: async (_task, input) => {
      const f = audioFeatures(input as Float32Array, 16000);
      return { output: f, confidence: f.snrDb > 10 ? 0.95 : 0.6 };
    },
  };
  const stack = await createRoutingStack({
    db: openDatabase(`bench-router-${Date.now()}`),
    bus: createLocalBus({ name: 'bench.router' }),
    endpoint: {
      id: 'dev',
      baseUrl: import.meta.env.VITE_SENTIO_DEV_ENDPOINT ?? 'http://127.0.0.1:8790',
      clearance: 'private',
      model: 'sentio-dev-echo',
      costPer1kTokens: 0,
    },
    network: browserNetwork(window),
    local,
    cloudTasks: { 'speech.activity': transcribeTask },
  });
  await stack.consent.grant({ capability: 'cloud.audio', endpoint: 'dev' });

  const direct: number[] = [];
  const routed: number[] = [];
  let directTotal = 0;
  let routedTotal = 0;
  for (let round = 0; round < 2; round++) {
    progress(round === 0 ? 'warm-up' : 'measuring');
    direct.length = 0;
    routed.length = 0;
    for (let i = 0; i < N; i++) {
      let t = performance.now();
      await local.run('speech.activity', samples, {});
      direct.push(performance.now() - t);
      t = performance.now();
      const r = await stack.router.infer('speech.activity', samples, { privacy: 'private' });
      routed.push(performance.now() - t);
      if (r.decision.code !== 'confident-local') throw new Error(`unexpected decision ${r.decision.code}`);
    }
    // The decision records are written behind: count their IndexedDB write in the routed total.
    const t = performance.now();
    await stack.router.flush();
    routedTotal = routed.reduce((a, b) => a + b, 0) + (performance.now() - t);
    directTotal = direct.reduce((a, b) => a + b, 0);
  }
  const d = median(direct) * 1000;
  const r = median(routed) * 1000;
  return [
    compare('router-decision', 'router.infer (local) vs local inference direct, median µs/call', r, d, 'µs'),
    compare('router-decision', 'router overhead per call, µs (vs the local call)', r - d, d, 'µs'),
    compare(
      'router-decision',
      'amortised per call incl. writing the decision records, µs',
      (routedTotal / N) * 1000,
      (directTotal / N) * 1000,
      'µs',
    ),
  ];
});
