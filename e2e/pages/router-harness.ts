// Test page for e2e/router-privacy.spec.ts: the real router + privacy stack in a page, driven through
// window.__router. The endpoint is the dev endpoint the spec starts (its URL comes in the query string).
import { createLocalBus } from '../../src/bus/local-bus';
import type { SentioEvent } from '../../src/events/event';
import type { AuditEntry } from '../../src/privacy/audit-log';
import { canonicalJson } from '../../src/events/canonical-json';
import { declassify } from '../../src/privacy/labels';
import type { AttemptReport } from '../../src/router/cloud-client';
import type { RoutingStack } from '../../src/router/stack';
import { openDatabase, type SentioDb } from '../../src/storage/db';
import { startTestRouting } from './test-routing';

interface InitOptions {
  dbName: string;
  breaker?: { failureThreshold: number; cooldownMs: number };
  retry?: { maxAttempts?: number; baseMs?: number; maxMs?: number };
  outboxBackoff?: { baseMs: number; maxMs: number };
}

type Outcome = { ok: true; value: unknown } | { ok: false; name: string; message: string };

async function outcome(p: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await p };
  } catch (err) {
    const e = err as Error;
    return { ok: false, name: e?.name ?? 'Error', message: e?.message ?? String(err) };
  }
}

const endpointUrl = new URL(location.href).searchParams.get('endpoint') ?? 'http://127.0.0.1:8790';
const bus = createLocalBus({ name: 'e2e.router' });
const attempts: (AttemptReport & { at: number })[] = [];
const streams = new Map<string, { deltas: string[]; result?: Outcome }>();
const busLog: { topic: string; privacy: string; payload: unknown }[] = [];
bus.subscribe(
  'router.>',
  (e) => void busLog.push({ topic: e.topic, privacy: e.privacy, payload: e.payload }),
);
let db: SentioDb;
let stack: RoutingStack;
let sensorsStop: (() => Promise<void>) | null = null;

const api = {
  endpointUrl,
  attempts,
  busLog,
  async init(o: InitOptions) {
    db = openDatabase(o.dbName);
    stack = await startTestRouting(endpointUrl, {
      db,
      bus,
      ...(o.breaker ? { breaker: o.breaker } : {}),
      retry: { baseMs: 200, maxMs: 2000, ...o.retry },
      ...(o.outboxBackoff ? { outboxBackoff: o.outboxBackoff } : {}),
      onAttempt: (r) => attempts.push({ ...r, at: Date.now() }),
    });
    stack.outbox.start();
  },
  grant: (capability: string) => stack.consent.grant({ capability, endpoint: 'dev' }),
  revoke: (capability: string) => stack.consent.revoke({ capability, endpoint: 'dev' }),
  chat: (text: string, privacy: 'local' | 'private' | 'public') =>
    outcome(stack.router.infer('chat', text, { privacy })),
  /** Starts a streamed chat and returns at once; poll with stream(id). */
  startChat(text: string, privacy: 'private' | 'public'): string {
    const id = crypto.randomUUID();
    const s: { deltas: string[]; result?: Outcome } = { deltas: [] };
    streams.set(id, s);
    void outcome(stack.router.infer('chat', text, { privacy, onDelta: (d) => s.deltas.push(d) })).then(
      (r) => (s.result = r),
    );
    return id;
  },
  stream: (id: string) => {
    const s = streams.get(id)!;
    return { deltas: s.deltas.length, text: s.deltas.join(''), result: s.result ?? null };
  },
  breakerState: () => stack.breaker.state(),
  inFlight: () => stack.gate.inFlight(),
  async enqueue(n: number, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for (let i = 0; i < n; i++) {
      keys.push(
        await stack.outbox.enqueue('dev', {
          what: 'echo',
          capability: 'cloud.chat',
          path: 'v1/echo',
          privacy: 'private',
          body: { note: `${prefix} ${i}` },
        }),
      );
    }
    return keys;
  },
  pending: () => stack.outbox.pending(),
  drain: () => stack.outbox.drain({ force: true }),
  auditEntries: async () =>
    (await stack.audit.entries()).map((r) => ({ seq: r.seq!, ...(r.entry as AuditEntry) })),
  verifyAudit: () => stack.audit.verify(),
  /** Edits one stored entry behind the log's back, with the raw IndexedDB API. */
  async tamperAudit(seq: number, field: string, value: unknown): Promise<void> {
    await db.audit
      .where('seq')
      .equals(seq)
      .modify((row) => {
        (row.entry as Record<string, unknown>)[field] = value;
      });
  },
  /** Edits entry 1 and recomputes every entry's SHA-256 and the head row, as a forger without the key would. */
  async rechainAudit(): Promise<void> {
    const hex = async (text: string) =>
      Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))), (b) =>
        b.toString(16).padStart(2, '0'),
      ).join('');
    let prev = '0'.repeat(64);
    let seq = 0;
    for (const row of await db.audit.orderBy('seq').toArray()) {
      const entry = { ...(row.entry as object), bytes: 0 };
      const hash = await hex(`${prev}\n${row.seq}\n${row.ts}\n${canonicalJson(entry)}`);
      await db.audit.update(row.seq!, { entry, prevHash: prev, hash });
      prev = hash;
      seq = row.seq!;
    }
    await db.settings.put({ key: 'audit.head', value: { seq, hash: prev } });
  },
  /** Keeps the first `keep` entries and points the head row at the last kept one (0: wipes both). */
  async truncateAudit(keep: number): Promise<void> {
    const rows = await db.audit.orderBy('seq').toArray();
    await db.audit.bulkDelete(rows.slice(keep).map((r) => r.seq!));
    const last = rows[keep - 1];
    if (last) await db.settings.put({ key: 'audit.head', value: { seq: last.seq!, hash: last.hash } });
    else await db.settings.delete('audit.head');
  },
  /**
   * Runs the real camera and microphone into the bus as `local` events, and a small agent that reacts to
   * them the way a careless agent would: it asks the router about every frame and audio chunk (with the raw
   * bytes in the request), about every UI question, and about the transcript once the user consents to share
   * transcripts. Returns counters; the spec intercepts what actually left.
   */
  async startSensors(transcript: string) {
    const inFlight = new Set<Promise<void>>();
    const counters = {
      frames: 0,
      chunks: 0,
      asked: 0,
      sent: 0,
      dropped: 0,
      transcriptShared: 0,
      errors: [] as string[],
    };
    const media = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    const [videoTrack] = media.getVideoTracks();
    const processor = new MediaStreamTrackProcessor({ track: videoTrack! });
    const reader = processor.readable.getReader();
    let running = true;
    void (async () => {
      while (running) {
        const { value: frame, done } = await reader.read();
        if (done || !frame) break;
        if (counters.frames % 5 === 0) {
          const bytes = new Uint8Array(frame.allocationSize());
          await frame.copyTo(bytes);
          bus.publish(
            'camera.front.frame',
            { width: frame.codedWidth, height: frame.codedHeight, bytes },
            { privacy: 'local', qos: 'realtime' },
          );
        }
        counters.frames++;
        frame.close();
      }
    })();
    const audio = new AudioContext();
    const source = audio.createMediaStreamSource(media);
    const analyser = audio.createAnalyser();
    analyser.fftSize = 2048;
    source.connect(analyser);
    const pcmTimer = setInterval(() => {
      const pcm = new Float32Array(analyser.fftSize);
      analyser.getFloatTimeDomainData(pcm);
      counters.chunks++;
      bus.publish('microphone.chunk', { rate: audio.sampleRate, pcm }, { privacy: 'local', qos: 'realtime' });
    }, 250);
    const uiTimer = setInterval(() => {
      bus.publish('ui.question', { text: 'What should I do next?' }, { privacy: 'public' });
    }, 1000);
    const transcriptTimer = setInterval(() => {
      // A transcript derives from the microphone: local, until the declared transcript.share step lowers it.
      bus.publish(
        'audio.speech.transcript',
        { text: transcript, derivedFrom: 'microphone.chunk' },
        { privacy: 'local' },
      );
    }, 1000);

    /** Work that may still send a request: waited for before the counters are read. */
    const track = (work: Promise<void>) => {
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
      return work;
    };
    const ask = (e: SentioEvent, input: unknown, privacy = e.privacy) => track(askOnce(e, input, privacy));
    const askOnce = async (e: SentioEvent, input: unknown, privacy: SentioEvent['privacy']) => {
      counters.asked++;
      const r = await outcome(stack.router.infer('chat', input, { privacy }));
      if (r.ok) {
        const route = (r.value as { decision: { route: string } }).decision.route;
        if (route === 'cloud') counters.sent++;
        else counters.dropped++;
      } else counters.errors.push(`${r.name}: ${r.message}`);
    };
    const subs = [
      bus.subscribe('camera.>', (e) =>
        ask(e, {
          messages: [{ role: 'user', content: 'what is in this frame?' }],
          frame: (e.payload as { bytes: Uint8Array }).bytes,
        }),
      ),
      bus.subscribe('microphone.>', (e) =>
        ask(e, {
          messages: [{ role: 'user', content: 'what was said?' }],
          pcm: (e.payload as { pcm: Float32Array }).pcm,
        }),
      ),
      bus.subscribe('ui.>', (e) => ask(e, (e.payload as { text: string }).text)),
      // Tracked from the start: a transcript still being declassified when the sensors stop asks afterwards,
      // and its request must be counted (a fresh-clone run saw one POST more than the counters said).
      bus.subscribe('audio.speech.transcript', (e) =>
        track(
          (async () => {
            const text = (e.payload as { text: string }).text;
            const shared = await outcome(declassify(e.privacy, 'transcript.share', 'dev', stack));
            if (!shared.ok) return ask(e, text); // stays local: the router must drop it
            counters.transcriptShared++;
            return ask(e, text, shared.value as 'private');
          })(),
        ),
      ),
    ];
    sensorsStop = async () => {
      running = false;
      clearInterval(pcmTimer);
      clearInterval(uiTimer);
      clearInterval(transcriptTimer);
      subs.forEach((s) => s.unsubscribe());
      void reader.cancel();
      media.getTracks().forEach((t) => t.stop());
      void audio.close();
      // Requests already on their way finish (and are counted) before the counters are read; work that was
      // still deciding may start one more, so wait until nothing is left.
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    };
    (api as { counters?: typeof counters }).counters = counters;
  },
  async stopSensors() {
    await sensorsStop?.();
    return (api as { counters?: unknown }).counters;
  },
};

declare global {
  interface Window {
    __router: typeof api;
  }
  // Chromium-only (not in TypeScript's DOM lib yet).
  class MediaStreamTrackProcessor<T = VideoFrame> {
    constructor(init: { track: MediaStreamTrack });
    readonly readable: ReadableStream<T>;
  }
}
window.__router = api;
document.getElementById('status')!.textContent = 'ready';
