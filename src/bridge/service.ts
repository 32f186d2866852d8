// What the bridge worker serves over comlink: bridges by id, each on the hub port the page handed over.
import { connectBus } from '../bus/hub-client';
import type { ConnectedBus } from '../bus/hub-client';
import { createAuditLog } from '../privacy/audit-log';
import { createConsentStore, type ConsentChannel, type ConsentStore } from '../privacy/consent';
import type { SentioDb } from '../storage/db';
import { runBridge, type RunningBridge } from './bridge';
import { createEdge, type Edge } from './edge';
import { endpointId, resolveOptions } from './options';
import { DECLASSIFY_STEPS } from '../privacy/labels';
import { BridgeConfigError } from './subjects';

function stepCapability(step: string): string {
  const s = DECLASSIFY_STEPS.find((x) => x.id === step);
  if (!s) throw new BridgeConfigError(`"${step}" is not a declared declassification step`);
  return s.capability;
}
import { createOutbox } from './outbox';
import type { BridgeOptions, BridgeState, BridgeStats } from './types';

export interface BridgeService {
  connect(port: MessagePort, options: BridgeOptions): Promise<number>;
  state(id: number): BridgeState;
  stats(id: number): BridgeStats;
  /** Consent for private events to this bridge's server (the same consent store as the router's). */
  grantPrivate(id: number): Promise<void>;
  revokePrivate(id: number): Promise<void>;
  /** Consent for a declared declassification step's capability to this bridge's server. */
  grantStep(id: number, step: string): Promise<void>;
  revokeStep(id: number, step: string): Promise<void>;
  close(id: number): Promise<void>;
}

export function createBridgeService(db: SentioDb): BridgeService {
  const bridges = new Map<number, { run: RunningBridge; bus: ConnectedBus; edge: Edge }>();
  const audit = createAuditLog({ db });
  let consent: Promise<ConsentStore> | null = null;
  const consentStore = () =>
    (consent ??= (async () => {
      const channel =
        typeof BroadcastChannel === 'function'
          ? (new BroadcastChannel('sentio.consent') as ConsentChannel)
          : undefined;
      const store = createConsentStore({ db, audit, ...(channel ? { channel } : {}) });
      await store.load();
      return store;
    })());
  let next = 1;
  const get = (id: number) => {
    const b = bridges.get(id);
    if (!b) throw new Error(`no bridge ${id} (closed?)`);
    return b;
  };

  return {
    async connect(port, options) {
      const o = resolveOptions(options);
      const bus = connectBus({ port, name: `bridge.${o.device}` });
      const edge = createEdge({
        consent: await consentStore(),
        audit,
        endpoint: endpointId(o.servers),
        clearance: o.clearance,
        declassify: o.declassify,
      });
      const outbox = createOutbox(db, `${o.space}:${o.device}`, o.outboxLimit);
      const run = await runBridge(o, { bus, edge, outbox });
      const id = next++;
      bridges.set(id, { run, bus, edge });
      return id;
    },
    state: (id) => get(id).run.state(),
    stats: (id) => get(id).run.stats(),
    grantPrivate: (id) => get(id).edge.grant(),
    revokePrivate: (id) => get(id).edge.revoke(),
    grantStep: (id, step) => get(id).edge.grant(stepCapability(step)),
    revokeStep: (id, step) => get(id).edge.revoke(stepCapability(step)),
    async close(id) {
      const b = bridges.get(id);
      if (!b) return;
      bridges.delete(id);
      await b.run.close();
      b.bus.close();
    },
  };
}
