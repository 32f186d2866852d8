// The page soak.ts drives: a Sentio made through the front door running everything at once (camera with
// face, expression and pose, microphone with voice activity and Whisper), a deliberately slow `latest`
// subscriber and a durable agent; `sample()` reads what could grow over a long run.
import { createSentio, policies, type PerceptionHandle, type Sentio } from '../src/index';

export interface SoakSample {
  /** performance.now() of the sample, ms. */
  at: number;
  /** The page's JS heap (performance.memory, precise with --enable-precise-memory-info). */
  pageHeapBytes: number;
  /**
   * The page's and its workers' memory (measureUserAgentSpecificMemory), each measurement since the start:
   * one takes tens of seconds here with every model loaded, so they run back to back on their own and each
   * sample reports those finished so far.
   */
  allMemory: { at: number; bytes: number }[];
  /** navigator.storage.estimate().usage: IndexedDB and the caches. */
  storageBytes: number;
  /** Rows per table of the runtime's database: what grows when storage does. */
  rows: Record<string, number>;
  /** Waiting events per subscription of this page's bus, by pattern. */
  backlogs: Record<string, number>;
  /** Dropped events over every subscription of this page's bus, by reason. */
  drops: Record<string, number>;
  /** The durable agent's mailbox depth and what it has processed. */
  agent: { mailboxDepth: number; processed: number; failed: number } | null;
  camera: { frames: number; dropped: number };
  events: { faces: number; poses: number; transcripts: number; errors: number };
  slow: { handled: number };
}

export interface SoakHost {
  start(): Promise<void>;
  sample(): Promise<SoakSample>;
  stop(): Promise<void>;
}

declare global {
  interface Window {
    soakHost?: SoakHost;
  }
}

/** The slow subscriber's handler time: 4 events a second, where vision.* brings ~20. */
const SLOW_HANDLER_MS = 250;

interface MemoryMeasure {
  measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }>;
  memory?: { usedJSHeapSize: number };
}

const memory = performance as unknown as MemoryMeasure;
const allMemory: SoakSample['allMemory'] = [];
let measuring = false;

/** Measures everything's memory back to back until stopped (where the page is isolated, as the bench is). */
async function measureAll(): Promise<void> {
  if (!crossOriginIsolated || !memory.measureUserAgentSpecificMemory) return;
  measuring = true;
  while (measuring) {
    const { bytes } = await memory.measureUserAgentSpecificMemory();
    allMemory.push({ at: performance.now(), bytes });
  }
}

const progress = document.getElementById('progress')!;
let sentio: Sentio | null = null;
let handle: PerceptionHandle | null = null;
const events = { faces: 0, poses: 0, transcripts: 0, errors: 0 };
const slow = { handled: 0 };

window.soakHost = {
  async start() {
    sentio = await createSentio({ name: 'soak', database: `soak-${crypto.randomUUID()}` });
    const s = sentio;
    s.bus.subscribe('vision.face', () => void events.faces++);
    s.bus.subscribe('vision.pose', () => void events.poses++);
    s.bus.subscribe('audio.transcript', () => void events.transcripts++);
    s.bus.subscribe('inference.error', () => void events.errors++);
    s.bus.subscribe(
      'vision.>',
      async () => {
        await new Promise((done) => setTimeout(done, SLOW_HANDLER_MS));
        slow.handled++;
      },
      { policy: policies.latest(1) },
    );
    s.agents.start({
      worker: (name) =>
        new Worker(new URL('./soak-agents.worker.ts', import.meta.url), { type: 'module', name }),
      lockName: 'soak.agents',
    });
    handle = s.perception.start({ camera: { frameRate: 30 }, workers: 'split' });
    const started = await handle.started;
    if (!started.camera || !started.microphone)
      throw new Error(`the sensors did not start: ${JSON.stringify(handle.state())}`);
    void measureAll();
    progress.textContent = 'running';
  },
  async sample() {
    const s = sentio!;
    const stats = s.bus.stats();
    const backlogs: Record<string, number> = {};
    const drops: Record<string, number> = {};
    for (const sub of stats.subscriptions) {
      backlogs[sub.pattern] = Math.max(backlogs[sub.pattern] ?? 0, sub.backlog);
      for (const [reason, n] of Object.entries(sub.dropped)) drops[reason] = (drops[reason] ?? 0) + (n ?? 0);
    }
    const view = await s.agents.inspect();
    const agent = view?.agents.find((a) => a.snapshot.id === 'soak-counter')?.snapshot;
    const camera = handle?.stats().camera;
    return {
      at: performance.now(),
      pageHeapBytes: memory.memory?.usedJSHeapSize ?? NaN,
      allMemory: [...allMemory],
      storageBytes: (await navigator.storage.estimate()).usage ?? NaN,
      rows: Object.fromEntries(
        await Promise.all(s.db.tables.map(async (t) => [t.name, await t.count()] as const)),
      ),
      backlogs,
      drops,
      agent: agent
        ? { mailboxDepth: agent.mailboxDepth, processed: agent.processed, failed: agent.failed }
        : null,
      camera: {
        frames: camera?.seq ?? 0,
        dropped: (camera?.consumers ?? []).reduce((n, c) => n + c.dropped, 0),
      },
      events: { ...events },
      slow: { ...slow },
    };
  },
  async stop() {
    measuring = false;
    handle?.stop();
    await sentio?.close();
  },
};
progress.textContent = 'ready';
