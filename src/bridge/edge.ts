// The privacy edge of the bridge: each exported event passes the egress gate's own check (label, clearance,
// consent for `bridge` to this server) before it may leave. `local` never leaves; `private` needs consent;
// `public` goes as exported (exporting it is the user's declaration). The check is synchronous, so a
// revocation stops the very next event. Audited per flow, not per event: the first decision for each
// topic and label, and again whenever that decision changes (an audit row per camera frame would drown it).
import type { SentioEvent } from '../events/event';
import type { AuditLog } from '../privacy/audit-log';
import type { ConsentStore } from '../privacy/consent';
import { egressVerdict } from '../privacy/egress-gate';

export const BRIDGE_CAPABILITY = 'bridge';

export type EdgeDecision = { send: true } | { send: false; reason: 'local' | 'no-consent' | 'clearance' };

export function createEdge(o: {
  consent: ConsentStore;
  audit: AuditLog;
  /** The consent scope: the server the events go to. */
  endpoint: string;
  clearance: 'private' | 'public';
}) {
  const lastDecision = new Map<string, string>();
  const target = { id: o.endpoint, clearance: o.clearance };

  function audit(e: SentioEvent, decision: 'allowed' | 'denied', reason: string, bytes: number): void {
    const flow = `${e.topic}|${e.privacy}`;
    const key = `${decision}:${reason}`;
    if (lastDecision.get(flow) === key) return;
    lastDecision.set(flow, key);
    void o.audit.append({
      what: `bridge.publish ${e.topic}`,
      capability: BRIDGE_CAPABILITY,
      labels: [e.privacy],
      endpoint: o.endpoint,
      bytes,
      decision,
      reason,
    });
  }

  return {
    endpoint: o.endpoint,
    decide(e: SentioEvent, bytes: number): EdgeDecision {
      if (e.privacy === 'public') {
        audit(e, 'allowed', 'public, exported', bytes);
        return { send: true };
      }
      const v = egressVerdict(o.consent, { capability: BRIDGE_CAPABILITY, privacy: e.privacy, target });
      if (v.allowed) {
        audit(e, 'allowed', 'label, consent and clearance check out', bytes);
        return { send: true };
      }
      audit(e, 'denied', v.reason, 0);
      return { send: false, reason: v.code === 'local-data' ? 'local' : v.code };
    },
    /** Calls back when consent for this server is revoked (the outbox purges what it no longer may send). */
    onRevoked(fn: () => void): () => void {
      return o.consent.onChange((key, granted) => {
        if (
          !granted &&
          key.capability === BRIDGE_CAPABILITY &&
          (key.endpoint === o.endpoint || key.endpoint === '*')
        )
          fn();
      });
    },
    grant: () => o.consent.grant({ capability: BRIDGE_CAPABILITY, endpoint: o.endpoint }),
    revoke: () => o.consent.revoke({ capability: BRIDGE_CAPABILITY, endpoint: o.endpoint }),
  };
}

export type Edge = ReturnType<typeof createEdge>;
