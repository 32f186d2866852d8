// The library's front door in a real browser: a page that imports only src/index.ts (not the app) creates
// Sentio, uses the bus, infers through a Hugging Face alias, runs an agent it defined, and closes.
import { expect, test, type Page } from '@playwright/test';
import { serveMedia } from './fixtures/serve-media';

async function open(page: Page): Promise<void> {
  await page.goto('/e2e/pages/front-door.html');
  await expect(page.locator('#status')).toHaveText('ready');
}

test('createSentio: bus round trip, feature-extraction alias with its backend, a defineAgent agent reacts, close() leaves no worker', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await open(page);
  await page.evaluate(async () => {
    // One test's worth: start from empty databases, the runtime's and the default one.
    for (const name of ['front-door-test', 'sentio'])
      await new Promise((done) => (indexedDB.deleteDatabase(name).onsuccess = done));
  });
  const round = await page.evaluate(async () => {
    const s = await window.frontDoor.createSentio({ name: 'front-door', database: 'front-door-test' });
    (window as unknown as { s: typeof s }).s = s;
    const got = new Promise<unknown>((resolve) => {
      const sub = s.bus.subscribe('front.echo', (e) => {
        sub.unsubscribe();
        resolve({ payload: e.payload, source: e.source });
      });
    });
    s.bus.publish('front.echo', { n: 42 }, { privacy: 'local' });
    return got;
  });
  expect(round).toEqual({ payload: { n: 42 }, source: 'front-door' });

  const embedding = await page.evaluate(async () => {
    const s = (window as unknown as { s: Awaited<ReturnType<typeof window.frontDoor.createSentio>> }).s;
    const r = await s.infer('feature-extraction', [
      'the robot moves forward',
      'a robot goes ahead',
      'bananas',
    ]);
    if (!('output' in r) || r.task !== 'text-embedding') throw new Error('not an embedding result');
    const v = r.output as Float32Array[];
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((t, x, i) => t + x * b[i]!, 0);
    return {
      backend: r.backend,
      dims: v.map((x) => x.length),
      near: dot(v[0]!, v[1]!),
      far: dot(v[0]!, v[2]!),
    };
  });
  expect(embedding.backend).toBe('tfjs-cpu');
  expect(embedding.dims).toEqual([512, 512, 512]);
  // Real vectors: two sentences meaning the same are closer than an unrelated word.
  expect(embedding.near).toBeGreaterThan(embedding.far);

  const greeted = await page.evaluate(async () => {
    const s = (window as unknown as { s: Awaited<ReturnType<typeof window.frontDoor.createSentio>> }).s;
    const got = new Promise<unknown>((resolve) => {
      s.bus.subscribe('front.greeted', (e) => resolve(e.payload));
    });
    const host = s.agents.start({ worker: window.frontDoor.agentWorker, lockName: 'front-door.agents' });
    await new Promise<void>((ready, fail) => {
      const check = (st: ReturnType<typeof host.status>) => {
        if (st.kind === 'running') ready();
        if (st.kind === 'failed') fail(new Error(`the agents failed to start: ${st.message}`));
      };
      check(host.status());
      host.onStatus(check);
    });
    s.bus.publish('front.hello', { name: 'Ada' }, { privacy: 'local' });
    return got;
  });
  expect(greeted).toEqual({ to: 'Ada', seen: 1 });
  // The durable agent's state is committed to the runtime's database, not to the default one (which the
  // origin's bus hub keeps its log in).
  const stateIn = (database: string) =>
    page.evaluate(
      (database) =>
        new Promise<unknown[]>((resolve, reject) => {
          const open = indexedDB.open(database);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains('agentState')) return resolve([]);
            const all = db.transaction('agentState').objectStore('agentState').getAll();
            all.onsuccess = () =>
              resolve(all.result.map((r: { agentId: string; state: unknown }) => r.state));
            all.onerror = () => reject(all.error);
          };
        }),
      database,
    );
  await expect.poll(() => stateIn('front-door-test'), { timeout: 30_000 }).toContainEqual({ hellos: 1 });
  expect(await stateIn('sentio')).toEqual([]);
  await expect.poll(() => page.workers().length, { timeout: 30_000 }).toBeGreaterThan(0);

  await page.evaluate(async () => {
    const s = (window as unknown as { s: Awaited<ReturnType<typeof window.frontDoor.createSentio>> }).s;
    await s.close();
  });
  // Every dedicated worker it started (the agent worker) is gone once close() resolved.
  await expect.poll(() => page.workers().map((w) => w.url()), { timeout: 30_000 }).toEqual([]);
  const after = await page.evaluate(async () => {
    const s = (window as unknown as { s: Awaited<ReturnType<typeof window.frontDoor.createSentio>> }).s;
    return s.infer('face-detection', new Blob()).then(
      () => 'answered',
      (e: Error) => e.name,
    );
  });
  expect(after).toBe('SentioClosedError');
});

test('infer through the automatic-speech-recognition alias names its backend; an unknown task is a named error', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await serveMedia(page);
  await open(page);
  const r = await page.evaluate(async () => {
    const s = await window.frontDoor.createSentio({ name: 'front-door-asr', database: 'front-door-test' });
    const wav = await fetch('/__media/goforward.wav').then((x) => x.blob());
    let progress = 0;
    const out = await s.infer('automatic-speech-recognition', wav, { onProgress: () => void progress++ });
    const unknown = await s.infer('translation' as never, 'hi').then(
      () => null,
      (e: Error) => ({ name: e.name, message: e.message }),
    );
    await s.close();
    return {
      task: out.task,
      backend: out.backend,
      text: (out as { output: { text: string } }).output.text,
      progress,
      unknown,
    };
  });
  expect(r.task).toBe('speech-recognition');
  expect(r.backend).toMatch(/\w/);
  expect(r.text.toLowerCase()).toContain('forward');
  expect(r.unknown?.name).toBe('UnknownTaskError');
  expect(r.unknown?.message).toContain('automatic-speech-recognition');
});

test('bad options get a named error that says which option', async ({ page }) => {
  await open(page);
  const errors = await page.evaluate(async () => {
    const tryIt = (o: unknown) =>
      window.frontDoor.createSentio(o as never).then(
        () => null,
        (e: Error & { option?: string }) => ({ name: e.name, option: e.option, message: e.message }),
      );
    return [
      await tryIt({ name: 'has spaces' }),
      await tryIt({ base: 42 }),
      await tryIt({ agents: { worker: 7 } }),
      await tryIt({ camra: true }),
      await tryIt('front'),
      await tryIt({ privacy: { defaultLabel: 'secret' } }),
      await tryIt({ privacy: true }),
      await tryIt({ plugins: { trust: 'me' } }),
    ];
  });
  expect(errors.map((e) => e?.name)).toEqual(Array(8).fill('SentioOptionsError'));
  expect(errors.map((e) => e?.option)).toEqual([
    'name',
    'base',
    'agents.worker',
    'camra',
    '(options)',
    'privacy.defaultLabel',
    'privacy',
    'plugins.trust',
  ]);
  expect(errors[5]!.message).toContain('"private" or "public"');
  expect(errors[3]!.message).toContain('is not an option');
});

test('privacy defaults: the option is what the runtime starts with, until the user saves their own', async ({
  page,
}) => {
  await open(page);
  const r = await page.evaluate(async () => {
    const s = await window.frontDoor.createSentio({
      name: 'front-door-privacy',
      database: `front-door-privacy-${crypto.randomUUID()}`,
      devEndpointUrl: null,
      privacy: { defaultLabel: 'public' },
    });
    const first = s.router.settings().privacy;
    const database = s.db.name;
    await s.router.apply({ ...s.router.settings(), privacy: { redactPii: false, defaultLabel: 'private' } });
    await s.close();
    const again = await window.frontDoor.createSentio({
      name: 'front-door-privacy',
      database,
      devEndpointUrl: null,
      privacy: { defaultLabel: 'public' },
    });
    const second = again.router.settings().privacy;
    await again.close();
    const plain = await window.frontDoor.createSentio({
      name: 'front-door-privacy',
      database: `front-door-privacy-${crypto.randomUUID()}`,
      devEndpointUrl: null,
    });
    const third = plain.router.settings().privacy;
    await plain.close();
    return { first, second, third };
  });
  // Given: merged over DEFAULT_PRIVACY (PII still masked).
  expect(r.first).toEqual({ redactPii: true, defaultLabel: 'public' });
  // The user's saved choice wins over the option.
  expect(r.second).toEqual({ redactPii: false, defaultLabel: 'private' });
  expect(r.third).toEqual({ redactPii: true, defaultLabel: 'private' });
});

test('plugins: one signed by a trusted key runs in its sandbox and answers on the bus, close() removes it; an untrusted one is refused', async ({
  page,
}) => {
  await open(page);
  const r = await page.evaluate(async () => {
    const fd = window.frontDoor;
    const { key, sign } = await fd.testSigner();
    const pkg = await sign(
      {
        id: 'echo',
        version: '1.0.0',
        kind: 'tool',
        name: 'echo',
        entry: 'entry.js',
        capabilities: { subscribe: ['front.ping'], publish: ['plugin.echo.>'] },
      },
      `sentio.definePlugin({
        async init(ctx) { await ctx.subscribe('front.ping'); },
        onEvent(event, ctx) { ctx.publish('plugin.echo.pong', event.payload); },
      });`,
    );
    const options = { devEndpointUrl: null, database: `front-door-plugins-${crypto.randomUUID()}` };
    const s = await fd.createSentio({ ...options, name: 'front-door-plugins', plugins: { trust: [key] } });
    const pong = new Promise<unknown>((ok) => s.bus.subscribe('plugin.echo.pong', (e) => ok(e.payload)));
    await s.plugins.start(pkg);
    s.bus.publish('front.ping', { n: 7 }, { privacy: 'public' });
    const payload = await pong;
    const running = s.plugins.stats().plugins.length;
    const frames = document.querySelectorAll('iframe').length;
    await s.close();
    const framesAfter = document.querySelectorAll('iframe').length;
    const untrusting = await fd.createSentio({ ...options, name: 'front-door-untrusting' });
    const refused = await untrusting.plugins.start(pkg).then(
      () => 'started',
      (e: Error) => e.name,
    );
    await untrusting.close();
    return { payload, running, frames, framesAfter, refused };
  });
  expect(r.payload).toEqual({ n: 7 });
  expect(r.running).toBe(1);
  expect(r.frames).toBe(1);
  expect(r.framesAfter).toBe(0);
  expect(r.refused).toBe('SignatureError');
});

test('an inference worker that crashes mid-run: what ran there fails by name and on the bus, the camera and the other worker go on, stop and close still end everything', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await open(page);
  await page.evaluate(async () => {
    const s = await window.frontDoor.createSentio({
      name: 'front-door-crash',
      database: `front-door-crash-${crypto.randomUUID()}`,
      devEndpointUrl: null,
    });
    const seen = {
      faces: 0,
      expressions: 0,
      poses: 0,
      errors: [] as { task: string; name: string; message: string }[],
      sensorErrors: [] as string[],
    };
    s.bus.subscribe('vision.face', () => void seen.faces++);
    s.bus.subscribe('vision.face.expression', () => void seen.expressions++);
    s.bus.subscribe('vision.pose', () => void seen.poses++);
    s.bus.subscribe('inference.error', (e) => void seen.errors.push(e.payload as (typeof seen.errors)[0]));
    s.bus.subscribe('sensor.error', (e) => void seen.sensorErrors.push(JSON.stringify(e.payload)));
    const p = s.perception.start({ workers: 'split', microphone: false });
    (window as unknown as { crash: object }).crash = { s, p, seen };
  });
  type Crash = {
    s: { close(): Promise<void> };
    p: {
      state(): { tasks: Record<string, { status: string; name?: string }>; camera: { status: string } };
      stats(): { camera: { seq: number } | null };
      stop(): void;
    };
    seen: {
      faces: number;
      expressions: number;
      poses: number;
      errors: { task: string; name: string; message: string }[];
      sensorErrors: string[];
    };
  };
  const look = () =>
    page.evaluate(() => {
      const { p, seen } = (window as unknown as { crash: Crash }).crash;
      return { ...seen, state: p.state(), camera: p.stats().camera };
    });
  // Everything runs: faces and expressions (main worker, expressions called in the slow-vision worker), poses.
  await expect
    .poll(
      async () => {
        const l = await look();
        return l.faces > 0 && l.expressions > 0 && l.poses > 0;
      },
      { timeout: 180_000 },
    )
    .toBe(true);

  // The inference workers by name. Not onnxruntime's WASM thread workers: they wait on atomics, and an
  // evaluate there never returns and stalls the model calls that use them.
  const workers = page.workers().filter((w) => w.url().includes('inference.worker'));
  const names = await Promise.all(workers.map((w) => w.evaluate(() => self.name).catch(() => '')));
  const slow = workers[names.indexOf('sentio-slow-vision')];
  expect(slow, `workers: ${names.join(', ')}`).toBeDefined();
  // Not awaited: the worker is gone (terminated by its client on the error) before its answer gets out.
  void slow!
    .evaluate(() => {
      setTimeout(() => {
        throw new Error('crash test: the slow-vision worker dies');
      });
    })
    .catch(() => undefined);

  // Pose and expressions ran there: both fail by name, in the state and on the bus.
  await expect
    .poll(
      async () => {
        const { state } = await look();
        return [state.tasks.pose?.name, state.tasks['facial-expression']?.name];
      },
      { timeout: 60_000 },
    )
    .toEqual(['InferenceWorkerError', 'InferenceWorkerError']);
  const atCrash = await look();
  expect(atCrash.errors.filter((e) => e.name === 'InferenceWorkerError').map((e) => e.task)).toEqual(
    expect.arrayContaining(['pose', 'facial-expression']),
  );
  expect(atCrash.errors.find((e) => e.task === 'pose')!.message).toContain('crash test');
  // Faces go on in the worker that lives, and so does the camera: it let go of the dead worker's lane rather
  // than wait on it as a hung consumer.
  await expect
    .poll(
      async () => {
        const l = await look();
        return l.faces >= atCrash.faces + 10 && l.camera!.seq > atCrash.camera!.seq + 10;
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  const after = await look();
  // Every face found since the crash asked the dead worker for its expression: that failure is on the bus once
  // from the page (the crash) and at most once from the pipeline (none if no face was in view), not per frame.
  expect(after.errors.filter((e) => e.task === 'facial-expression').length).toBeLessThanOrEqual(2);
  expect(after.state.tasks['face-detection']?.status).toBe('ready');
  expect(after.state.camera.status).toBe('running');
  // None at all: not for the crash (the camera let go of the lane), and not before it for the slow-vision
  // worker held for seconds by pose's synchronous first load (it was warming up, not hung).
  expect(after.sensorErrors).toEqual([]);

  const closed = await page.evaluate(async () => {
    const { s, p } = (window as unknown as { crash: Crash }).crash;
    p.stop();
    await s.close();
    return true;
  });
  expect(closed).toBe(true);
  await expect.poll(() => page.workers().length, { timeout: 30_000 }).toBe(0);
});
