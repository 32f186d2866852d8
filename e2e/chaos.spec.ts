// Chaos (issue 17, seed 004 #10), in the real app: a known stream of `local` transcripts flows to the durable
// meeting-notes agent on the SharedWorker hub while a seeded schedule kills the agent worker, closes tabs,
// restarts the hub (every tab closed, then reopened), flaps the network during cloud calls to a loopback
// development endpoint, fills the agents' storage for a while (quota pressure: the agents' database lives in a
// Storage Bucket with a small quota, `/?agents-bucket=`, and a ballast database fills it until writes are
// refused, then is deleted), and runs a slow consumer. Afterwards every invariant is checked: every acknowledged
// transcript is in the agent's notes exactly once, no note was published twice, no request carried a byte of
// the local stream, every event the slow consumer missed is counted as a drop, every cloud call ended in an
// answer or a named error. SENTIO_CHAOS_SEED=<n> replays a schedule.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { createDevEndpoint, type DevEndpoint } from '../scripts/dev-endpoint/server.mjs';
import { routeToDevEndpoint } from './fixtures/dev-routing';

const SECRET = 'chaos-secret-utterance';
const WAVES = 10;
const PER_WAVE = 6;
const ACTIONS = [
  'kill-worker',
  'close-tab',
  'hub-restart',
  'network-flap',
  'quota-pressure',
  'slow-consumer',
] as const;
/** The agents' Storage Bucket: its quota leaves room for the whole run, so only the ballast fills it. */
const BUCKET = 'chaos-agents';
const BUCKET_QUOTA = 4 << 20;
type Action = (typeof ACTIONS)[number];

/** mulberry32: a small seeded PRNG, so a seed names one schedule. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `sentio.agents`: the host of the agents this tab runs (`running`), null in a tab that does not hold them. */
interface AgentsHandle {
  running: {
    host: {
      currentWorker(): Worker | null;
      inspect(): Promise<{ agents: { id: string; state: unknown }[] }>;
    };
  } | null;
  inspect(): Promise<unknown>;
}

/** Every `demo.notes.note` a tab sees, reported to the test: a note published twice has two event ids. */
const notesSeen = new Map<string, Set<string>>();

async function openTab(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.exposeFunction('chaosNote', (noteId: string, eventId: string) => {
    const ids = notesSeen.get(noteId) ?? new Set<string>();
    ids.add(eventId);
    notesSeen.set(noteId, ids);
  });
  await page.goto(`/?agents-bucket=${BUCKET}`);
  await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/, { timeout: 30_000 });
  await page.waitForFunction(
    () => !!window.sentio?.router && !!(window.sentio as unknown as { agents?: AgentsHandle }).agents,
  );
  await page.evaluate(async () => {
    const sub = window.sentio!.bus.subscribe('demo.notes.note', (e) => {
      const w = window as unknown as { chaosNote(n: string, e: string): Promise<void> };
      void w.chaosNote((e.payload as { id: string }).id, e.id);
    });
    await sub.ready;
  });
  return page;
}

/** Publishes `n` traced local transcripts and waits until the hub has them (acknowledged): their ids. */
function publishWave(page: Page, wave: number, n: number): Promise<string[]> {
  return page.evaluate(
    async ({ wave, n, secret }) => {
      const bus = window.sentio!.bus;
      const ids: string[] = [];
      for (let i = 0; i < n; i++)
        ids.push(
          bus.publish(
            'audio.transcript',
            {
              stream: 'chaos-mic',
              segment: wave * 100 + i,
              text: `${secret} ${wave}.${i}`,
              start: i,
              end: i + 1,
            },
            { privacy: 'local', qos: 'background' },
          ).id,
        );
      await bus.flush();
      return ids;
    },
    { wave, n, secret: SECRET },
  );
}

/** The tab whose agent host runs the agents (it holds the agents' lock), or null while none does. */
async function agentTab(tabs: readonly Page[]): Promise<Page | null> {
  for (const t of tabs)
    if (
      await t.evaluate(
        () => !!(window.sentio as unknown as { agents?: AgentsHandle }).agents?.running?.host.currentWorker(),
      )
    )
      return t;
  return null;
}

async function noteIds(tabs: readonly Page[]): Promise<string[] | null> {
  const tab = await agentTab(tabs);
  if (!tab) return null;
  return tab.evaluate(async () => {
    const snap = await (
      window.sentio as unknown as { agents?: AgentsHandle }
    ).agents!.running!.host.inspect();
    const agent = snap.agents.find((a) => a.id === 'meeting-notes');
    const notes = agent?.state as { notes: { id: string }[] } | undefined;
    return notes ? notes.notes.map((n) => n.id) : null;
  });
}

/** The bucket's helpers of the agents test page (e2e/pages/agents.page.ts), on a short-lived page of this origin. */
async function onAgentsPage<T>(context: BrowserContext, run: (page: Page) => Promise<T>): Promise<T> {
  const page = await context.newPage();
  try {
    await page.goto('/e2e/pages/agents.html');
    await page.waitForFunction(() => !!window.agentsTest);
    return await run(page);
  } finally {
    await page.close();
  }
}

interface AgentErrorReport {
  agentId: string;
  willRetry: boolean;
  error: { name: string; message: string };
}

let dev: DevEndpoint;
test.beforeAll(async () => {
  dev = await createDevEndpoint({ port: 0 });
});
test.afterAll(() => dev?.close());

// A random seed each run, printed first, so any failure is replayable with SENTIO_CHAOS_SEED. Faults it found
// and that are fixed (issue 17): persist wrote through only past `memory` (seed 42 lost 3–15 of 78); a new hub
// served clients before recreating registered durables (seed 7 lost 11 of 72); a durable subscription's own
// tab's publishes waited in that tab's memory only (seed 7 lost 4 of 72 at back-to-back hub restarts: see
// bus.spec 'what a durable subscriber publishes itself…'); the app's publish actuator re-published a note
// under a fresh id after a host died before marking it performed (seed 42: labelled-publish.test.ts).
test('chaos: worker kills, tab closes, hub restarts, network flaps, quota pressure and a slow consumer lose, repeat and leak nothing', async ({
  context,
}) => {
  test.setTimeout(180_000);
  const seed = Number(process.env.SENTIO_CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const rand = prng(seed);
  // Every fault at least once in every run (a plain random pick left about one seed in six without quota
  // pressure), the remaining waves drawn at random, in a seeded shuffled order.
  const schedule: Action[] = [
    ...ACTIONS,
    ...Array.from({ length: WAVES - ACTIONS.length }, () => ACTIONS[Math.floor(rand() * ACTIONS.length)]!),
  ];
  for (let i = schedule.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [schedule[i], schedule[j]] = [schedule[j]!, schedule[i]!];
  }
  console.log(`chaos seed ${seed}: ${schedule.join(', ')} (SENTIO_CHAOS_SEED=${seed} replays it)`);
  // In the JSON report too, so a CI failure names its seed without the log.
  test.info().annotations.push({ type: 'chaos-seed', description: String(seed) });

  // Every request any tab or worker makes, URL and body: none may carry the local stream.
  const requests: { url: string; body: string }[] = [];
  context.on('request', (r) => requests.push({ url: r.url(), body: r.postData() ?? '' }));

  // The agents' bucket, opened with its quota before any tab of the app opens it (an open names its quota once).
  const opened = await onAgentsPage(context, (p) =>
    p.evaluate(({ name, quota }) => window.agentsTest.openBucket(name, quota), {
      name: BUCKET,
      quota: BUCKET_QUOTA,
    }),
  );
  expect(opened.quota).toBe(BUCKET_QUOTA);

  let tabs = [await openTab(context), await openTab(context)];
  // The development endpoint, with consent for chat only: transcripts (local) may never reach it.
  await routeToDevEndpoint(tabs[0]!, dev.url, ['cloud.chat']);

  const started = Date.now();
  const acknowledged: string[] = [];
  const waveOf = new Map<string, string>();
  const drops: { published: number; handled: number; dropped: number; backlog: number }[] = [];
  const cloudOutcomes: string[] = [];
  const pressures: { refused: string | null; reports: number }[] = [];
  for (let wave = 0; wave < WAVES; wave++) {
    const from = tabs[Math.floor(rand() * tabs.length)]!;
    const action = schedule[wave]!;
    for (const id of await publishWave(from, wave, PER_WAVE)) {
      acknowledged.push(id);
      waveOf.set(id, `${wave}:${action}`);
    }
    console.log(`wave ${wave}: ${action} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (action === 'kill-worker') {
      const tab = await agentTab(tabs);
      await tab?.evaluate(() =>
        (window.sentio as unknown as { agents?: AgentsHandle })
          .agents!.running!.host.currentWorker()
          ?.terminate(),
      );
    } else if (action === 'close-tab') {
      const i = Math.floor(rand() * tabs.length);
      await tabs[i]!.close();
      tabs.splice(i, 1);
      tabs.push(await openTab(context));
    } else if (action === 'hub-restart') {
      const before = await tabs[0]!.evaluate(async () => (await window.sentio!.bus.connected).hubId);
      for (const t of tabs) await t.close();
      tabs = [await openTab(context)];
      // The SharedWorker outlives its last tab by a moment: reopen until a new hub answers.
      await expect
        .poll(
          async () => {
            const id = await tabs[0]!.evaluate(async () => (await window.sentio!.bus.connected).hubId);
            if (id !== before) return true;
            await tabs[0]!.close();
            tabs = [await openTab(context)];
            return false;
          },
          { timeout: 60_000, intervals: [500] },
        )
        .toBe(true);
      tabs.push(await openTab(context));
    } else if (action === 'network-flap') {
      // Cloud calls in flight while the network goes away and comes back: each ends, answered or named.
      const tab = tabs[0]!;
      const calls = tab.evaluate(() =>
        Promise.all(
          Array.from({ length: 3 }, (_, i) =>
            window.sentio!.router.infer('chat', `public question ${i}`).then(
              (r) => `ok:${(r as { decision: { route: string } }).decision.route}`,
              (err: Error) => `error:${err.name}`,
            ),
          ),
        ),
      );
      await context.setOffline(true);
      acknowledged.push(...(await publishWave(tab, 100 + wave, PER_WAVE)));
      await context.setOffline(false);
      cloudOutcomes.push(...(await calls));
    } else if (action === 'quota-pressure') {
      // The agents' disk is full while a wave flows: the inbox write (and any commit) is refused; the agent
      // must say so (willRetry) and keep every event, and go on once the space is back.
      const tab = tabs[Math.floor(rand() * tabs.length)]!;
      await tab.evaluate(async () => {
        const w = window as unknown as { chaosAgentErrors?: unknown[] };
        w.chaosAgentErrors = [];
        const sub = window.sentio!.bus.subscribe('agent.meeting-notes.error', (e) => {
          w.chaosAgentErrors!.push(e.payload);
        });
        await sub.ready;
      });
      const full = await onAgentsPage(context, (p) =>
        p.evaluate((name) => window.agentsTest.fillBucket(name), BUCKET),
      );
      for (const id of await publishWave(tab, 200 + wave, PER_WAVE)) {
        acknowledged.push(id);
        waveOf.set(id, `${wave}:${action}`);
      }
      const refusedForSpace = () =>
        tab.evaluate(() =>
          ((window as unknown as { chaosAgentErrors: AgentErrorReport[] }).chaosAgentErrors ?? []).filter(
            (r) => /QuotaExceededError/.test(`${r.error.name} ${r.error.message}`),
          ),
        );
      await expect
        .poll(async () => (await refusedForSpace()).length, { timeout: 60_000, intervals: [250, 500] })
        .toBeGreaterThan(0);
      const reports = await refusedForSpace();
      pressures.push({ refused: full.refused, reports: reports.length });
      // Refused for space is never given up on: every such report says the event will be retried.
      expect(reports.filter((r) => !r.willRetry)).toEqual([]);
      await onAgentsPage(context, (p) => p.evaluate((name) => window.agentsTest.emptyBucket(name), BUCKET));
    } else if (action === 'slow-consumer') {
      // A consumer far slower than the burst, with a bounded queue: what it misses must be counted as dropped.
      const tab = tabs[Math.floor(rand() * tabs.length)]!;
      drops.push(
        await tab.evaluate(async () => {
          const bus = window.sentio!.bus;
          let handled = 0;
          const topic = `chaos.burst.${Math.random().toString(36).slice(2)}`;
          const sub = bus.subscribe(
            topic,
            async () => {
              handled++;
              await new Promise((r) => setTimeout(r, 40));
            },
            { policy: { kind: 'dropOldest', n: 4 } },
          );
          await sub.ready;
          const published = 40;
          for (let i = 0; i < published; i++) bus.publish(topic, { i });
          await bus.flush();
          const sum = (d: Record<string, number | undefined>) =>
            Object.values(d).reduce((a, b) => a! + (b ?? 0), 0)!;
          for (let i = 0; i < 600; i++) {
            const s = sub.stats();
            if (handled + sum(s.dropped) >= published && s.backlog === 0) break;
            await new Promise((r) => setTimeout(r, 50));
          }
          const s = sub.stats();
          sub.unsubscribe();
          return { published, handled, dropped: sum(s.dropped), backlog: s.backlog };
        }),
      );
    }
  }

  // Nothing acknowledged is lost, nothing is applied twice: the durable notes hold each transcript once.
  await expect
    .poll(
      async () => {
        const ids = await noteIds(tabs);
        const missing = ids ? acknowledged.filter((id) => !ids.includes(id)) : null;
        const where = missing?.map((id) => waveOf.get(id) ?? 'during-flap').join(' ');
        console.log(`missing ${missing?.length ?? '?'} of ${acknowledged.length}: ${where}`);
        return missing?.length ?? -1;
      },
      { timeout: 60_000, intervals: [1000, 2000] },
    )
    .toBe(0);
  const ids = (await noteIds(tabs))!;
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.filter((id) => acknowledged.includes(id)).length).toBe(acknowledged.length);
  // No note was published twice (as two events) to the tabs that watched.
  const twice = [...notesSeen].filter(([, events]) => events.size > 1).map(([id]) => id);
  expect(twice).toEqual([]);

  // No byte of the local stream left in any request.
  const leaks = requests.filter(
    (r) =>
      r.body.includes(SECRET) ||
      r.url.includes(SECRET) ||
      r.body.includes('chaos-mic') ||
      acknowledged.some((id) => r.body.includes(id) || r.url.includes(id)),
  );
  expect(leaks).toEqual([]);

  // Every event the slow consumer did not handle is counted as a drop.
  for (const d of drops) {
    expect(d.backlog).toBe(0);
    expect(d.handled + d.dropped).toBe(d.published);
  }
  // Each spell of quota pressure filled the disk for real and was reported by the agent, not lost.
  for (const p of pressures) {
    expect(p.refused).toBe('QuotaExceededError');
    expect(p.reports).toBeGreaterThan(0);
  }
  // Every cloud call ended: answered (cloud or local fallback) or a named error, none hung.
  for (const o of cloudOutcomes) expect(o).toMatch(/^(ok:\w+|error:[A-Z]\w+)$/);
  console.log(
    `chaos seed ${seed}: ${acknowledged.length} transcripts, ${pressures.length} quota spells, ${drops.length} slow bursts, ${cloudOutcomes.length} cloud calls (${cloudOutcomes.join(' ')}), ${requests.length} requests`,
  );
});
