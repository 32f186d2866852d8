// Test page: a camera → inference → agent → action pipeline on the page's bus, traced per stage and exported
// over OTLP/HTTP by the OpenTelemetry exporter, through an egress gate whose consent store has `telemetry`
// granted for the receiver.
import { createAgentHost } from '../../src/agents/host';
import { openBus } from '../../src/bus/open-bus';
import { createAuditLog } from '../../src/privacy/audit-log';
import { createConsentStore } from '../../src/privacy/consent';
import { createEgressGate, type EgressGate } from '../../src/privacy/egress-gate';
import { openDatabase } from '../../src/storage/db';
import { telemetryConsentKey } from '../../src/telemetry/gate-transport';
import { createOtlpTracing } from '../../src/telemetry/otlp';
import { StageTracer } from '../../src/telemetry/stage-tracer';

let dbs = 0;
async function consentedGate(url: string): Promise<EgressGate> {
  const db = openDatabase(`telemetry-page-${Date.now()}-${dbs++}`);
  const audit = createAuditLog({ db });
  const consent = createConsentStore({ db, audit });
  await consent.grant(telemetryConsentKey(url));
  return createEgressGate({ consent, audit });
}

async function run(url: string, frames: number) {
  const gate = await consentedGate(url);
  const tracing = createOtlpTracing({ url, gate, serviceName: 'sentio-e2e', delayMs: 100 });
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

/**
 * The agent host's stages on a real host and agent worker: traced "camera" events (and one untraced, one
 * poison) → bus → greeter agent → actuator, and its emit → bus → echo agent → actuator and a traced consumer.
 */
async function runAgents(url: string, frames: number) {
  const gate = await consentedGate(url);
  const tracing = createOtlpTracing({ url, gate, serviceName: 'sentio-e2e', delayMs: 100 });
  const tracer = new StageTracer({ tracer: tracing.tracer });
  const bus = openBus({ name: 'telemetry-agents' });
  await bus.connected;
  const shown: { agentId: string; n: number; traced: boolean }[] = [];
  let greetings = 0;
  const host = createAgentHost({
    dbName: `telemetry-agents-${Date.now()}`,
    lockName: null,
    bus,
    tracer,
    spawnWorker: (name) =>
      new Worker(new URL('./telemetry-agents.worker.ts', import.meta.url), { type: 'module', name }),
    actuators: {
      show: (a) =>
        void shown.push({
          agentId: a.agentId,
          n: (a.payload as { n: number }).n,
          traced: a.trace !== undefined,
        }),
    },
  });
  const greeted = bus.subscribe(
    'test.trace.greeting',
    tracer.handler('action', 'greet', () => void greetings++, { final: true }),
  );
  await greeted.ready;
  await host.start();
  const published: { n: number; traceId: string | null }[] = [];
  for (let n = 0; n < frames; n++)
    await tracer.run('capture', 'camera.front', undefined, (r) => {
      bus.publish('test.trace.face', { n }, { trace: r.trace, privacy: 'local' });
      published.push({ n, traceId: r.trace.traceId });
    });
  bus.publish('test.trace.face', { n: frames }, { privacy: 'local' });
  published.push({ n: frames, traceId: null });
  await tracer.run('capture', 'camera.front', undefined, (r) => {
    bus.publish('test.trace.face', { n: frames + 1, poison: true }, { trace: r.trace, privacy: 'local' });
    published.push({ n: frames + 1, traceId: r.trace.traceId });
  });
  // Every clean event shown by the greeter and its greeting by the echo; every greeting handled.
  const expected = 2 * (frames + 1);
  // …and the agent stages recorded: a stage ends at its commit, which can land after the action it caused
  // was shown (one traced delivery per clean frame and greeting, plus the untraced greeting's own trace).
  const agentStages = 2 * frames + 1;
  const settled = () =>
    shown.length >= expected &&
    greetings >= frames + 1 &&
    (tracer.metrics.summary().agent?.count ?? 0) >= agentStages;
  for (let i = 0; i < 2400 && !settled(); i++) await new Promise((r) => setTimeout(r, 25));
  await tracing.flush();
  const result = {
    published,
    shown,
    greetings,
    stats: tracing.stats(),
    metrics: tracer.metrics.summary(),
    snapshot: await host.inspect(),
  };
  greeted.unsubscribe();
  await host.stop();
  await tracing.shutdown();
  bus.close();
  return result;
}

declare global {
  interface Window {
    telemetryTest?: { run: typeof run; runAgents: typeof runAgents };
  }
}
window.telemetryTest = { run, runAgents };
document.getElementById('status')!.textContent = 'ready';
