// The privacy edge of the bridge: each exported event passes the egress gate's own check (label, clearance,
// consent for `bridge` to this server) before it may leave. `local` never leaves; `private` needs consent;
// `public` goes as exported (exporting it is the user's declaration). The check is synchronous, so a
// revocation stops the very next event. Audited per flow, not per event: the first decision for each
// topic and label, and again whenever that decision changes (an audit row per camera frame would drown it).
import type { SentioEvent } from '../events/event';
import type { AuditLog } from '../privacy/audit-log';
import type { ConsentStore } from '../privacy/consent';
import { egressVerdict } from '../privacy/egress-gate';
import { DECLASSIFY_STEPS, type DeclassifyStep } from '../privacy/labels';
import { TopicTrie } from '../events/topic-trie';
import { BridgeConfigError } from './subjects';

export const BRIDGE_CAPABILITY = 'bridge';

export type EdgeDecision = { send: true } | { send: false; reason: 'local' | 'no-consent' | 'clearance' };

/** A `local` event through its topic's declared step: the reduced event to send, or why it stays here. */
export type Declassified =
  { event: SentioEvent } | { withheld: 'declassify-no-consent' | 'declassify-failed'; message?: string };

/** The declared steps for `rules` (topic pattern → step id), checked: a step must exist and lower `local`. */
export function declassifyRules(rules: Record<string, string>): TopicTrie<DeclassifyStep> {
  const trie = new TopicTrie<DeclassifyStep>();
  for (const [pattern, id] of Object.entries(rules)) {
    const step = DECLASSIFY_STEPS.find((s) => s.id === id);
    if (!step) throw new BridgeConfigError(`declassify: "${id}" (for ${pattern}) is not a declared step`);
    if (step.from !== 'local' || !step.reduce)
      throw new BridgeConfigError(
        `declassify: step "${id}" does not reduce local data, so it cannot share ${pattern} with devices`,
      );
    trie.add(pattern, step);
  }
  return trie;
}

export function createEdge(o: {
  consent: ConsentStore;
  audit: AuditLog;
  /** The consent scope: the server the events go to. */
  endpoint: string;
  clearance: 'private' | 'public';
  /** Local topics shared through a declared step (topic pattern → step id); see {@link declassifyRules}. */
  declassify?: Record<string, string>;
}) {
  const lastDecision = new Map<string, string>();
  const target = { id: o.endpoint, clearance: o.clearance };
  const steps = declassifyRules(o.declassify ?? {});

  function audit(
    e: SentioEvent,
    decision: 'allowed' | 'denied' | 'declassified',
    reason: string,
    bytes: number,
    step?: DeclassifyStep,
  ): void {
    const flow = `${e.topic}|${e.privacy}|${step?.id ?? ''}`;
    const key = `${decision}:${reason}`;
    if (lastDecision.get(flow) === key) return;
    lastDecision.set(flow, key);
    void o.audit.append({
      what: step ? `declassify.${step.id} ${e.topic}` : `bridge.publish ${e.topic}`,
      capability: step?.capability ?? BRIDGE_CAPABILITY,
      labels: step ? [step.from, step.to] : [e.privacy],
      endpoint: o.endpoint,
      bytes,
      decision,
      reason,
    });
  }

  return {
    endpoint: o.endpoint,
    /**
     * A `local` event whose topic has a declared step: reduced and relabelled when the person consented to that
     * step for this server (audited per flow), else withheld. Other events come back as they are. The reduced
     * event still passes {@link decide} (a `private` result needs consent for `bridge` too).
     */
    declassify(e: SentioEvent): Declassified {
      if (e.privacy !== 'local') return { event: e };
      const step = steps.match(e.topic)[0];
      if (!step) return { event: e };
      if (!o.consent.isGranted({ capability: step.capability, endpoint: o.endpoint })) {
        audit(e, 'denied', `no consent for ${step.capability} on ${o.endpoint}`, 0, step);
        return { withheld: 'declassify-no-consent' };
      }
      let payload: unknown;
      try {
        payload = step.reduce!(e.payload);
      } catch (err) {
        audit(e, 'denied', `step failed: ${(err as Error).message}`, 0, step);
        return { withheld: 'declassify-failed', message: (err as Error).message };
      }
      audit(e, 'declassified', step.description, 0, step);
      return { event: { ...e, payload, privacy: step.to } };
    },
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
    /**
     * Calls back when consent for this server is revoked, with the test for what may no longer go (the outbox
     * purges those): every non-public event when `bridge` goes, the step's topics when a step's consent goes.
     */
    onRevoked(fn: (revoked: (e: SentioEvent) => boolean) => void): () => void {
      return o.consent.onChange((key, granted) => {
        if (granted || (key.endpoint !== o.endpoint && key.endpoint !== '*')) return;
        if (key.capability === BRIDGE_CAPABILITY) fn((e) => e.privacy !== 'public');
        else
          fn(
            (e) =>
              e.privacy !== 'public' && steps.match(e.topic).some((s) => s.capability === key.capability),
          );
      });
    },
    /** Consent for `bridge` (private events) to this server, or for a declared step's capability. */
    grant: (capability = BRIDGE_CAPABILITY) => o.consent.grant({ capability, endpoint: o.endpoint }),
    revoke: (capability = BRIDGE_CAPABILITY) => o.consent.revoke({ capability, endpoint: o.endpoint }),
  };
}

export type Edge = ReturnType<typeof createEdge>;
