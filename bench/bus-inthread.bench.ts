// In-thread publish → deliver with wildcard subscriptions vs a bare Map<string, Set<fn>> dispatch; and the
// matching cost with 10k subscriptions vs 10 (distinct topics, so memoisation cannot hide the trie walk).
import { createLocalBus } from '../src/bus/local-bus';
import { compare, median, runBench } from './harness';
import { BENCH_PAYLOAD } from './bus-peers';

const N = 1_000_000;
const ROUNDS = 5;

function rawMap(): number {
  const map = new Map<string, Set<(p: unknown) => void>>();
  let delivered = 0;
  const fn = () => void delivered++;
  map.set('camera.front.face', new Set([fn, () => void delivered++, () => void delivered++]));
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const set = map.get('camera.front.face');
    if (set) for (const f of set) f(BENCH_PAYLOAD);
  }
  const dt = performance.now() - t0;
  if (delivered !== 3 * N) throw new Error('raw map lost events');
  return N / (dt / 1000);
}

function bus(): number {
  const b = createLocalBus({ name: 'bench' });
  let delivered = 0;
  b.subscribe('camera.*.face', () => void delivered++, { qos: 'realtime' });
  b.subscribe('camera.>', () => void delivered++, { qos: 'realtime' });
  b.subscribe('>', () => void delivered++, { qos: 'realtime' });
  const t0 = performance.now();
  for (let i = 0; i < N; i++) b.publish('camera.front.face', BENCH_PAYLOAD, { qos: 'realtime' });
  const dt = performance.now() - t0;
  if (delivered !== 3 * N) throw new Error(`bus delivered ${delivered} of ${3 * N}`);
  b.close();
  return N / (dt / 1000);
}

/** ns per publish over 16,384 distinct topics with `subs` subscriptions in the trie. */
function matching(subs: number): number {
  const b = createLocalBus({ name: 'bench' });
  // Patterns that share the topics' prefix but never match them: only the trie's size differs.
  for (let i = 0; i < subs; i++) b.subscribe(`sensor.${i}.other`, () => {}, { qos: 'realtime' });
  b.subscribe('sensor.*.value', () => {}, { qos: 'realtime' });
  const topics = Array.from({ length: 16_384 }, (_, i) => `sensor.${i}.value`);
  const n = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) b.publish(topics[i % topics.length]!, 1, { qos: 'realtime' });
  const dt = performance.now() - t0;
  b.close();
  return (dt * 1e6) / n;
}

runBench(async (progress) => {
  const raw: number[] = [];
  const ours: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    progress(`round ${r + 1}/${ROUNDS}`);
    raw.push(rawMap());
    ours.push(bus());
    await new Promise((res) => setTimeout(res, 0));
  }
  const m10: number[] = [];
  const m10k: number[] = [];
  for (let r = 0; r < 3; r++) {
    progress(`matching round ${r + 1}/3`);
    m10.push(matching(10));
    m10k.push(matching(10_000));
  }
  return [
    compare(
      'bus-inthread',
      'publish→deliver, 3 wildcard subs vs Map<string,Set<fn>> (publishes/s)',
      median(ours),
      median(raw),
      'ev/s',
      {
        op: '>=',
        ratio: 0.5,
      },
    ),
    compare(
      'bus-inthread',
      'matching cost per publish, 10k subscriptions vs 10 (ns)',
      median(m10k),
      median(m10),
      'ns',
      {
        op: '<=',
        ratio: 2,
      },
    ),
  ];
});
