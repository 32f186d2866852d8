import { expectTypeOf, test } from 'vitest';
import { createLocalBus } from './local-bus';

type Events = {
  'audio.level': { rms: number };
  'vision.face': { score: number };
};

test('the event map types publish and subscribe', () => {
  const bus = createLocalBus<Events>({ name: 't' });
  bus.publish('audio.level', { rms: 0.1 });
  // @ts-expect-error a wrong payload for a known topic does not compile
  bus.publish('audio.level', { rms: 'loud' });
  // @ts-expect-error an unknown topic is not in the map
  bus.publish('audio.lvl', { rms: 0.1 });
  bus.subscribe('vision.face', (e) => {
    expectTypeOf(e.payload).toEqualTypeOf<{ score: number }>();
  });
  bus.subscribe('vision.*', (e) => {
    expectTypeOf(e.payload).toBeUnknown();
  });
});
