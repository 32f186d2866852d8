import { describe, expect, it } from 'vitest';
import { createBackendRegistry } from './registry';

describe('backend registry', () => {
  it('starts the highest-priority backend that initialises and reports every failure before it', async () => {
    const r = createBackendRegistry<string>();
    r.register('gpu', { init: () => Promise.reject(new Error('no adapter')) }, 20);
    r.register('cpu', { init: () => Promise.resolve('cpu-handle') }, 10);
    r.register('slow', { init: () => Promise.resolve('slow-handle') }, 1);
    const got = await r.resolve();
    expect(got).toEqual({
      id: 'cpu',
      handle: 'cpu-handle',
      fellBackFrom: [{ backend: 'gpu', reason: 'no adapter' }],
    });
  });

  it('runs each init once and remembers failures', async () => {
    let inits = 0;
    const r = createBackendRegistry<number>();
    r.register('a', { init: async () => ++inits }, 1);
    r.register('b', { init: async () => Promise.reject(new Error('nope')) }, 2);
    await Promise.all([r.resolve(), r.resolve(), r.resolve()]);
    const last = await r.resolve(['b', 'a']);
    expect(inits).toBe(1);
    expect(last).toMatchObject({ id: 'a', fellBackFrom: [{ backend: 'b', reason: 'nope' }] });
  });

  it('says which candidates are unknown, and gives all attempts when nothing starts', async () => {
    const r = createBackendRegistry<number>();
    r.register('b', { init: () => Promise.reject(new Error('broken')) }, 2);
    expect(await r.resolve(['webnn', 'b'])).toEqual({
      attempts: [
        { backend: 'b', reason: 'broken' },
        { backend: 'webnn', reason: 'not registered in this context' },
      ],
    });
  });

  it('keeps a caller-given order when asked to', async () => {
    const r = createBackendRegistry<string>();
    r.register('gpu', { init: () => Promise.reject(new Error('no adapter')) }, 5);
    r.register('cpu', { init: async () => 'cpu' }, 10);
    expect(await r.resolve(['gpu', 'cpu'])).toMatchObject({ id: 'cpu', fellBackFrom: [] });
    expect(await r.resolve(['gpu', 'cpu'], { ordered: true })).toMatchObject({
      id: 'cpu',
      fellBackFrom: [{ backend: 'gpu', reason: 'no adapter' }],
    });
  });

  it('re-initialises a backend after reset (a lost device)', async () => {
    let n = 0;
    const r = createBackendRegistry<number>();
    r.register('gpu', { init: async () => ++n }, 1);
    await r.resolve();
    r.reset('gpu');
    expect(await r.resolve()).toMatchObject({ handle: 2 });
  });
});
