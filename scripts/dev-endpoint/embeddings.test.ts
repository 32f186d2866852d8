// The development endpoint's /v1/embeddings over real HTTP, with the real USE-lite model (loaded once for
// this file by the first request).
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDevEndpoint, MAX_EMBEDDING_INPUTS, type DevEndpoint } from './server.mjs';
import { createUseLite, useLiteDir } from './use-lite.mjs';
import { createUseLiteProvider } from '../../src/agents/memory/use-lite-provider';
import { cosine } from '../../src/agents/memory/embedding-provider';

interface EmbeddingList {
  object: string;
  data: { object: string; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

let dev: DevEndpoint;
const lines: string[] = [];
beforeAll(async () => {
  dev = await createDevEndpoint({ port: 0, embedder: createUseLite({ log: (l) => lines.push(l) }) });
});
afterEach(() => dev.reset());
afterAll(() => dev.close());

function post(body: unknown, headers: Record<string, string> = {}, url = dev.url) {
  return fetch(`${url}/v1/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('dev endpoint /v1/embeddings', () => {
  // The first request loads the model (tfjs in Node): seconds, more on a loaded machine than vitest's 5 s.
  it(
    'answers in the OpenAI shape, one 512-d vector per input in order, with the tokenizer’s usage',
    { timeout: 120_000 },
    async () => {
      const texts = [
        'How do I reset my password?',
        'I forgot my password, how can I change it?',
        'The volcano erupted and covered the village in ash.',
      ];
      const r = await post({ model: 'use-lite-en', input: texts });
      expect(r.status).toBe(200);
      const body = (await r.json()) as EmbeddingList;
      expect(body.object).toBe('list');
      expect(body.model).toBe('use-lite-en');
      expect(body.data.map((d) => [d.object, d.index])).toEqual([
        ['embedding', 0],
        ['embedding', 1],
        ['embedding', 2],
      ]);
      const [a, b, c] = body.data.map((d) => d.embedding as number[]);
      expect([a!.length, b!.length, c!.length]).toEqual([512, 512, 512]);
      expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!) + 0.3);
      expect(body.usage.prompt_tokens).toBeGreaterThanOrEqual(texts.join(' ').split(' ').length);
      expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens);
      // The model was loaded once, and said so.
      expect(dev.stats().models.embeddings).toMatchObject({ state: 'ready', bytes: 27_903_656 });
      expect(lines.filter((l) => /ready in \d+ ms/.test(l))).toHaveLength(1);
    },
  );

  it('takes a single string, gives the same vector as inside a batch, and base64 encodes the same floats', async () => {
    const one = (await (await post({ model: 'use-lite-en', input: 'good morning' })).json()) as EmbeddingList;
    const batch = (await (
      await post({ model: 'use-lite-en', input: ['something else entirely', 'good morning'] })
    ).json()) as EmbeddingList;
    const single = one.data[0]!.embedding as number[];
    expect(one.data).toHaveLength(1);
    expect(cosine(single, batch.data[1]!.embedding as number[])).toBeGreaterThan(0.9999);
    const b64 = (await (
      await post({ model: 'use-lite-en', input: 'good morning', encoding_format: 'base64' })
    ).json()) as EmbeddingList;
    const bytes = Buffer.from(b64.data[0]!.embedding as string, 'base64');
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    expect(Array.from(floats)).toEqual(single);
    expect(lines.filter((l) => /loading the use-lite-en/.test(l))).toHaveLength(1);
  });

  const bad: [string, unknown, string][] = [
    ['not JSON', '{"model":', 'body is not JSON'],
    ['not an object', '[1,2]', 'body must be a JSON object'],
    [
      'no model',
      { input: 'x' },
      '"model" must be "use-lite-en" (the only embedding model served here), got null',
    ],
    ['another model', { model: 'text-embedding-3-small', input: 'x' }, '"model" must be "use-lite-en"'],
    ['no input', { model: 'use-lite-en' }, '"input" must be a string or an array of strings, got undefined'],
    [
      'input an object',
      { model: 'use-lite-en', input: { text: 'x' } },
      '"input" must be a string or an array',
    ],
    ['empty array', { model: 'use-lite-en', input: [] }, '"input" must not be an empty array'],
    ['empty string', { model: 'use-lite-en', input: '   ' }, '"input" is empty'],
    ['empty item', { model: 'use-lite-en', input: ['ok', ''] }, '"input[1]" is empty'],
    [
      'token array',
      { model: 'use-lite-en', input: [[15496, 995]] },
      '"input[0]" must be a string (token arrays',
    ],
    ['number item', { model: 'use-lite-en', input: ['ok', 3] }, '"input[1]" must be a string (token arrays'],
    ['null item', { model: 'use-lite-en', input: [null] }, '"input[0]" must be a string, got null'],
    [
      'too many inputs',
      { model: 'use-lite-en', input: Array.from({ length: MAX_EMBEDDING_INPUTS + 1 }, () => 'x') },
      `"input" has ${MAX_EMBEDDING_INPUTS + 1} items; at most ${MAX_EMBEDDING_INPUTS}`,
    ],
    [
      'oversize text',
      { model: 'use-lite-en', input: ['ok', 'a'.repeat(20_001)] },
      '"input[1]" has 20001 characters',
    ],
    ['dimensions', { model: 'use-lite-en', input: 'x', dimensions: 256 }, '"dimensions" must be 512'],
    ['encoding', { model: 'use-lite-en', input: 'x', encoding_format: 'int8' }, '"encoding_format" must be'],
  ];
  it.each(bad)('refuses %s with a 400 that names the field', async (_, body, message) => {
    const r = await post(body);
    expect(r.status).toBe(400);
    const { error } = (await r.json()) as { error: { message: string; type: string } };
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toContain(message);
  });

  it('replays an answer for a repeated Idempotency-Key instead of computing it again', async () => {
    const first = await post({ model: 'use-lite-en', input: 'hello' }, { 'idempotency-key': 'emb-1' });
    const again = await post({ model: 'use-lite-en', input: 'hello' }, { 'idempotency-key': 'emb-1' });
    expect(again.headers.get('x-sentio-duplicate')).toBe('1');
    expect(await again.json()).toEqual(await first.json());
    expect(dev.stats()).toMatchObject({ requests: 2, processed: 1, duplicates: 1, uniqueKeys: 1 });
  });

  it('honours injected faults: 500, 429 with Retry-After, a dropped connection, latency', async () => {
    dev.setFaults({ script: [{ status: 500 }, { status: 429, retryAfter: 7 }, { drop: 'before-response' }] });
    expect((await post({ model: 'use-lite-en', input: 'x' })).status).toBe(500);
    const limited = await post({ model: 'use-lite-en', input: 'x' });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    await expect(post({ model: 'use-lite-en', input: 'x' })).rejects.toThrow();
    expect((await post({ model: 'use-lite-en', input: 'x' })).status).toBe(200);
    expect(dev.stats()).toMatchObject({ requests: 4, faults: 3, processed: 1 });
    expect(dev.log().map((l) => l.path)).toEqual(Array(4).fill('/v1/embeddings'));
  });

  it('lists the embedding model next to the development responder', async () => {
    const { data } = (await (await fetch(`${dev.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(data.map((m) => m.id)).toEqual(['sentio-dev-echo', 'use-lite-en']);
  });
});

describe('dev endpoint /v1/embeddings when the model cannot load', () => {
  it('answers 503 naming the cause, reports it in stats, and loads on a later request once the files are there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sentio-use-lite-'));
    const log: string[] = [];
    const broken = await createDevEndpoint({
      port: 0,
      embedder: createUseLite({ dir, log: (l) => log.push(l) }),
    });
    try {
      const r = await post({ model: 'use-lite-en', input: 'hello' }, {}, broken.url);
      expect(r.status).toBe(503);
      const { error } = (await r.json()) as { error: { message: string } };
      expect(error.message).toContain(`could not load the use-lite-en embedding model from ${dir}`);
      // Both files are read in parallel: whichever is found missing first is named.
      expect(error.message).toMatch(/ENOENT.*(model|vocab)\.json/);
      expect(broken.stats().models.embeddings.state).toBe('failed');
      expect(log.at(-1)).toBe(error.message);
      // A bad request is still refused as such without touching the model.
      expect((await post({ model: 'use-lite-en', input: [] }, {}, broken.url)).status).toBe(400);

      await cp(useLiteDir(), dir, { recursive: true });
      const ok = await post({ model: 'use-lite-en', input: 'hello' }, {}, broken.url);
      expect(ok.status).toBe(200);
      expect(broken.stats().models.embeddings.state).toBe('ready');
    } finally {
      await broken.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('dev endpoint /v1/embeddings against the browser path', () => {
  it('gives the vectors the in-browser memory provider computes for the same texts (same model, same tokenizer)', async () => {
    // The browser provider loads over http with tfjs's own loaders: serve it the package's files on loopback.
    const dir = useLiteDir();
    const files: Server = createServer((req, res) => {
      readFile(join(dir, new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/+/, ''))).then(
        (b) => res.end(b),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    try {
      const { port } = files.address() as AddressInfo;
      const browser = createUseLiteProvider({ baseUrl: `http://127.0.0.1:${port}/` });
      const texts = ['Remind me to water the plants.', 'Où est la gare ?', 'a'];
      const expected = await browser.embed(texts);
      const r = await post({ model: 'use-lite-en', input: texts });
      const got = ((await r.json()) as EmbeddingList).data.map((d) => d.embedding as number[]);
      for (let i = 0; i < texts.length; i++) expect(cosine(got[i]!, expected[i]!)).toBeGreaterThan(0.99999);
    } finally {
      await new Promise((r) => files.close(r));
    }
  }, 120_000); // loads the encoder in the browser provider's way too: seconds on a loaded machine, not vitest's 5 s
});
