// Bench peer on the bus: counts what a subscription receives, or echoes it back, as the page asks.
import { receiveBus } from '../src/bus/open-bus';
import type { BackpressurePolicy } from '../src/bus/policy';

export type SinkCommand =
  | {
      type: 'count';
      pattern: string;
      lane: boolean;
      credits: number;
      policy: BackpressurePolicy;
      expect: number;
    }
  | { type: 'echo'; pattern: string; reply: string; lane: boolean };

export type SinkReply = { type: 'ready' } | { type: 'done'; count: number };

const busReady = receiveBus(self);

self.addEventListener('message', async (e: MessageEvent<{ type: string; port?: MessagePort }>) => {
  if (e.data?.type !== 'bench.control' || !e.data.port) return;
  const control = e.data.port;
  const bus = await busReady;
  await bus.connected;
  control.onmessage = async (m: MessageEvent<SinkCommand>) => {
    const cmd = m.data;
    if (cmd.type === 'count') {
      let n = 0;
      const sub = bus.subscribe(
        cmd.pattern,
        () => {
          if (++n === cmd.expect) {
            control.postMessage({ type: 'done', count: n } satisfies SinkReply);
            n = 0;
          }
        },
        { lane: cmd.lane, credits: cmd.credits, policy: cmd.policy },
      );
      await sub.ready;
    } else {
      const sub = bus.subscribe(
        cmd.pattern,
        (ev) => void bus.publish(cmd.reply, ev.payload, { qos: 'realtime' }),
        {
          lane: cmd.lane,
          credits: 64,
          policy: { kind: 'dropOldest', n: 1024 },
        },
      );
      await sub.ready;
    }
    control.postMessage({ type: 'ready' } satisfies SinkReply);
  };
  control.postMessage({ type: 'ready' } satisfies SinkReply);
});
