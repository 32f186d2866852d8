import { describe, expect, it } from 'vitest';
import { createBackendRegistry } from './backends/registry';
import { ModelLoadError } from './errors';
import type { ModelEntry } from './manifest';
import { createSessionCache } from './session-cache';

const entry = { id: 'm', task: 'face-detection', backends: ['gpu', 'cpu'] } as unknown as ModelEntry;

function setup() {
  const registry = createBackendRegistry<string>();
  registry.register('gpu', { init: async () => 'gpu' }, 20);
  registry.register('cpu', { init: async () => 'cpu' }, 10);
  const sessions = createSessionCache({ now: () => 0, modelFor: () => entry });
  return { registry, sessions };
}

const made = (session: string) => ({ session, threads: 1, source: 'network' as const, dispose: () => {} });

describe('session cache', () => {
  it('falls back to the next backend when one refuses the model, and says why', async () => {
    const { registry, sessions } = setup();
    const l = await sessions.session(
      'face-detection',
      registry,
      { ids: ['gpu', 'cpu'], ordered: true },
      async (h) => {
        if (h === 'gpu') throw new Error('unsupported op Foo on WebGPU');
        return made(h);
      },
    );
    expect(l).toMatchObject({
      backend: 'cpu',
      session: 'cpu',
      fellBackFrom: [{ backend: 'gpu', reason: 'unsupported op Foo on WebGPU' }],
    });
  });

  it('does not hide a broken model file behind another backend', async () => {
    const { registry, sessions } = setup();
    let calls = 0;
    const p = sessions.session(
      'face-detection',
      registry,
      { ids: ['gpu', 'cpu'], ordered: true },
      async () => {
        calls++;
        throw new ModelLoadError('m', 'model.onnx', 'checksum mismatch');
      },
    );
    await expect(p).rejects.toBeInstanceOf(ModelLoadError);
    expect(calls).toBe(1);
  });

  it('shares one load between concurrent callers and reuses the session after', async () => {
    const { registry, sessions } = setup();
    let loads = 0;
    const create = async (h: string) => (loads++, made(h));
    const c = { ids: ['gpu', 'cpu'], ordered: false };
    await Promise.all([1, 2, 3].map(() => sessions.session('face-detection', registry, c, create)));
    await sessions.session('face-detection', registry, c, create);
    expect(loads).toBe(1);
    expect(sessions.has('face-detection', 'gpu')).toBe(true);
  });

  it('answers repeat calls from the resolved session without asking the registry, until it goes', async () => {
    const { registry, sessions } = setup();
    let resolves = 0;
    const counted = {
      ...registry,
      resolve: (...a: Parameters<typeof registry.resolve>) => (resolves++, registry.resolve(...a)),
    };
    let loads = 0;
    const create = async (h: string) => (loads++, made(`${h}#${loads}`));
    const c = { ids: ['gpu', 'cpu'], ordered: false };
    const first = await sessions.session('face-detection', counted, c, create);
    for (let i = 0; i < 5; i++)
      expect(await sessions.session('face-detection', counted, c, create)).toBe(first);
    expect(resolves).toBe(1);
    await sessions.release('face-detection');
    const again = await sessions.session('face-detection', counted, c, create);
    expect(again.session).toBe('gpu#2');
    sessions.dropBackend('gpu');
    expect((await sessions.session('face-detection', counted, c, create)).session).toBe('gpu#3');
    expect(resolves).toBe(3);
  });

  it('forgets a lost backend’s sessions and releases per task', async () => {
    const { registry, sessions } = setup();
    const disposed: string[] = [];
    const create = async (h: string) => ({ ...made(h), dispose: () => void disposed.push(h) });
    await sessions.session('face-detection', registry, { ids: ['gpu'], ordered: true }, create);
    await sessions.session('pose', registry, { ids: ['cpu'], ordered: true }, create);
    sessions.dropBackend('gpu');
    expect(sessions.list().map((s) => s.backend)).toEqual(['cpu']);
    await sessions.release('pose');
    expect(disposed).toEqual(['cpu']);
    expect(sessions.list()).toEqual([]);
  });
});

describe('session cache failures', () => {
  it('answers a failed load with the same error until the memo expires or the task is released', async () => {
    const registry = createBackendRegistry<string>();
    registry.register('cpu', { init: async () => 'cpu' }, 10);
    let t = 0;
    const sessions = createSessionCache({ now: () => t, modelFor: () => entry, failedLoadMemoMs: 1000 });
    let loads = 0;
    let offline = true;
    const create = async (h: string) => {
      loads++;
      if (offline) throw new Error('Failed to fetch /runtime/mediapipe/vision_wasm_internal.wasm');
      return made(h);
    };
    const c = { ids: ['cpu'], ordered: false };
    const first = await sessions.session('pose', registry, c, create).catch((e: Error) => e);
    expect(first).toMatchObject({ name: 'BackendUnavailableError' });
    expect((first as Error).message).toMatch(/vision_wasm_internal\.wasm/);
    // Frames keep asking: none of them loads again.
    for (let i = 0; i < 20; i++) {
      t += 10;
      await expect(sessions.session('pose', registry, c, create)).rejects.toBe(first);
    }
    expect(loads).toBe(1);
    // After the memo one more try is made (and the network is back).
    offline = false;
    t += 1000;
    await expect(sessions.session('pose', registry, c, create)).resolves.toMatchObject({ session: 'cpu' });
    expect(loads).toBe(2);
  });

  it('tries again at once after the task is released', async () => {
    const registry = createBackendRegistry<string>();
    registry.register('cpu', { init: async () => 'cpu' }, 10);
    const sessions = createSessionCache({ now: () => 0, modelFor: () => entry });
    let loads = 0;
    const create = async (h: string) => {
      if (loads++ === 0) throw new Error('missing file');
      return made(h);
    };
    const c = { ids: ['cpu'], ordered: false };
    await expect(sessions.session('pose', registry, c, create)).rejects.toThrow(/missing file/);
    await sessions.release('pose');
    await expect(sessions.session('pose', registry, c, create)).resolves.toMatchObject({ session: 'cpu' });
  });
});
