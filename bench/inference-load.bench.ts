// Model load from the offline cache vs from the network (first load): every file of every model through
// Sentio's model store (fetch or Cache API, sha256 verified either way), then one model end to end in the
// inference worker (files + session creation + warm-up).
import manifestJson from '../models/manifest.json';
import { startInferenceWorker } from '../src/inference/client';
import { parseManifest } from '../src/inference/manifest';
import { createModelStore, MODEL_CACHE } from '../src/inference/model-store';
import faceUrl from '../e2e/fixtures/media/face-640x480.jpg?url';
import { compare, median, runBench } from './harness';

runBench(async (progress) => {
  const manifest = parseManifest(manifestJson);
  const store = createModelStore({ baseUrl: '/models/' });
  const network: number[] = [];
  const cached: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 3; i++) {
    await caches.delete(MODEL_CACHE);
    progress(`network ${i + 1}/3`);
    let t0 = performance.now();
    for (const m of manifest.models) {
      const r = await store.loadModel(m);
      if (r.source !== 'network') throw new Error(`${m.id} came from ${r.source}`);
      bytes = i === 0 ? bytes + r.bytes : bytes;
    }
    network.push(performance.now() - t0);
    progress(`cache ${i + 1}/3`);
    t0 = performance.now();
    for (const m of manifest.models) {
      const r = await store.loadModel(m);
      if (r.source !== 'cache') throw new Error(`${m.id} came from ${r.source}`);
    }
    cached.push(performance.now() - t0);
  }

  progress('face model end to end');
  const image = await (await fetch(faceUrl)).blob();
  const endToEnd = async () => {
    const client = startInferenceWorker();
    const r = await client.infer('face-detection', image);
    client.close();
    return r;
  };
  await caches.delete(MODEL_CACHE);
  await endToEnd(); // runtime WASM into the HTTP cache, so the runs below differ only by the model's source
  const fromNetwork: number[] = [];
  const fromCache: number[] = [];
  for (let i = 0; i < 3; i++) {
    await caches.delete(MODEL_CACHE);
    const first = await endToEnd();
    const second = await endToEnd();
    if (first.loadedFrom !== 'network' || second.loadedFrom !== 'cache')
      throw new Error(`unexpected model sources: ${first.loadedFrom}, ${second.loadedFrom}`);
    fromNetwork.push(first.timings.loadMs);
    fromCache.push(second.timings.loadMs);
  }
  return [
    compare(
      'inference-load',
      `all ${manifest.models.length} models (${(bytes / 1e6).toFixed(1)} MB) from cache vs network, ms`,
      median(cached),
      median(network),
      'ms',
    ),
    compare(
      'inference-load',
      'face model in a fresh worker (load + session + warm-up), cache vs network, ms',
      median(fromCache),
      median(fromNetwork),
      'ms',
    ),
  ];
});
