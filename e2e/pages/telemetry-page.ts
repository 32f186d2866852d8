// Test page: a camera → inference → agent → action pipeline on the page's bus, traced per stage and exported
// over OTLP/HTTP by the browser build of the OpenTelemetry exporter.
import { openBus } from '../../src/bus/open-bus';
import { createOtlpTracing } from '../../src/telemetry/otlp';
import { StageTracer } from '../../src/telemetry/stage-tracer';

async function run(url: string, frames: number) {
  const tracing = createOtlpTracing({ url, serviceName: 'sentio-e2e', delayMs: 100 });
  const tracer = new StageTracer({ tracer: tracing.tracer });
  const bus = openBus({ name: 'telemetry-test' });
  await bus.connected;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  let actions = 0;
  const subs = [
    bus.subscribe(
      'camera.front.frame',
      tracer.handler('inference', 'face-detect', (e, r) => {
        bus.publish('camera.front.face', { n: (e.payload as { n: number }).n }, { trace: r.trace });
      }),
    ),
    bus.subscribe(
      'camera.front.face',
      tracer.handler('agent', 'coach', (e, r) => {
        bus.publish('agent.coach.action', e.payload, { trace: r.trace });
      }),
    ),
    bus.subscribe(
      'agent.coach.action',
      tracer.handler('action', 'show', () => void (++actions === frames && done()), { final: true }),
    ),
  ];
  await Promise.all(subs.map((s) => s.ready));
  for (let n = 0; n < frames; n++)
    await tracer.run('capture', 'camera.front', undefined, (r) => {
      bus.publish('camera.front.frame', { n }, { trace: r.trace, privacy: 'local' });
    });
  await finished;
  await tracing.flush();
  const stats = tracing.stats();
  await tracing.shutdown();
  bus.close();
  return { stats, metrics: tracer.metrics.summary() };
}

declare global {
  interface Window {
    telemetryTest?: { run: typeof run };
  }
}
window.telemetryTest = { run };
document.getElementById('status')!.textContent = 'ready';
