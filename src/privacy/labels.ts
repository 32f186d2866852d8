// Labels only ever get stricter as data is derived; the one way down is a declared step that the user
// consented to, and every use of it is audited.
import { isStricterThan, strictestPrivacy, type Privacy, type SentioEvent } from '../events/event';
import type { AuditLog } from './audit-log';
import { noConsentMessage, type ConsentStore } from './consent';

export { strictestPrivacy };

/** The label of something derived from these events. */
export function derivedLabel(inputs: Iterable<Pick<SentioEvent, 'privacy'>>): Privacy {
  const labels: Privacy[] = [];
  for (const e of inputs) labels.push(e.privacy);
  return strictestPrivacy(labels);
}

/** A step allowed to lower a label: what it turns what into, and the consent it needs. */
export interface DeclassifyStep {
  id: string;
  from: Privacy;
  to: Privacy;
  /** The capability whose consent (for the target endpoint) this step needs. */
  capability: string;
  description: string;
  /**
   * What crosses, where the step passes on less than it was given: built from the input, field by field (never
   * by removing from it, so a field added to the input later does not leak). Throws on an input it does not know.
   */
  reduce?: (payload: unknown) => unknown;
}

/** `vision.face.expression` reduced to the words and their scores: no box, no per-class scores, no frame size. */
function expressionWords(payload: unknown): {
  frame: number;
  faces: { expression: string; score: number }[];
} {
  const p = payload as { frame?: unknown; faces?: unknown };
  if (typeof p !== 'object' || p === null || typeof p.frame !== 'number' || !Array.isArray(p.faces))
    throw new TypeError('expression.devices reduces vision.face.expression readings ({ frame, faces[] })');
  return {
    frame: p.frame,
    faces: p.faces.map((f: { expression?: unknown; score?: unknown }) => {
      if (typeof f?.expression !== 'string' || typeof f.score !== 'number')
        throw new TypeError('expression.devices: each face needs an expression word and a score');
      return { expression: f.expression, score: f.score };
    }),
  };
}

/** The declared steps. Raw frames have none: nothing turns camera pixels into shareable data. */
export const DECLASSIFY_STEPS: readonly DeclassifyStep[] = [
  {
    id: 'transcript.share',
    from: 'local',
    to: 'private',
    capability: 'cloud.transcript',
    description: 'a transcript of the user’s speech, shared as text with an endpoint they consented to',
  },
  {
    id: 'expression.share',
    from: 'local',
    to: 'private',
    capability: 'cloud.expression',
    description: 'the word naming the facial expression read on this device (never an image), shared as text',
  },
  {
    id: 'audio.clip.share',
    from: 'local',
    to: 'private',
    capability: 'cloud.audio',
    description: 'one speech clip sent for transcription to a trusted endpoint the user consented to',
  },
  {
    id: 'expression.devices',
    from: 'local',
    to: 'private',
    capability: 'bridge.expression',
    description:
      'the word naming the facial expression read on this device and its score (never an image or a face box), sent to the person’s own devices through a bridge server they consented to',
    reduce: expressionWords,
  },
  {
    id: 'summary.share',
    from: 'private',
    to: 'public',
    capability: 'cloud.summary',
    description: 'a summary the user reviewed and agreed to publish',
  },
];

export class DeclassifyDeniedError extends Error {
  override name = 'DeclassifyDeniedError';
}

/**
 * Lowers `label` through the declared step `stepId` for `endpoint`, if the user consented; audits either way.
 * A label that is already at or below the step's target comes back unchanged.
 */
export async function declassify(
  label: Privacy,
  stepId: string,
  endpoint: string,
  deps: { consent: ConsentStore; audit: AuditLog },
): Promise<Privacy> {
  const step = DECLASSIFY_STEPS.find((s) => s.id === stepId);
  if (!step) throw new DeclassifyDeniedError(`"${stepId}" is not a declared declassification step`);
  if (!isStricterThan(label, step.to)) return label;
  if (label !== step.from) {
    throw new DeclassifyDeniedError(`step "${stepId}" lowers ${step.from} data, not ${label} data`);
  }
  const ok = deps.consent.isGranted({ capability: step.capability, endpoint });
  await deps.audit.append({
    what: `declassify.${step.id}`,
    capability: step.capability,
    labels: [label, step.to],
    endpoint,
    bytes: 0,
    decision: ok ? 'declassified' : 'denied',
    reason: ok ? step.description : `no consent for ${step.capability} on ${endpoint}`,
  });
  if (!ok) throw new DeclassifyDeniedError(noConsentMessage({ capability: step.capability, endpoint }));
  return step.to;
}

/**
 * The declassifier agents' `ctx.infer` uses: lowers a label through a declared step for the endpoint the
 * router uses now, with consent, audited. Refused while the router runs on this device only.
 */
export function declassifierFor(routing: {
  consent: ConsentStore;
  audit: AuditLog;
  view(): { endpoint: { id: string } | null; localOnly: string | null };
}): (label: Privacy, step: string) => Promise<Privacy> {
  return (label, step) => {
    const { endpoint, localOnly } = routing.view();
    if (!endpoint)
      return Promise.reject(new DeclassifyDeniedError(`the router runs on this device only: ${localOnly}`));
    return declassify(label, step, endpoint.id, routing);
  };
}

/** The label of what an agent publishes: as strict as it asks, never less strict than its cause. */
export function publishedLabel(requested: Privacy, cause: Privacy | undefined): Privacy {
  return strictestPrivacy([requested, cause ?? 'local']);
}
