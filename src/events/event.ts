// The one event type everything on the bus carries (DESIGN.md, "The event").

export type Privacy = 'local' | 'private' | 'public';
export type Qos = 'realtime' | 'batched' | 'background';

export const PRIVACY_LEVELS: readonly Privacy[] = ['public', 'private', 'local'];
export const QOS_LEVELS: readonly Qos[] = ['realtime', 'batched', 'background'];

/** Time-sortable UUIDv7 text. Branded so that a random string is not taken for an event id by accident. */
export type EventId = string & { readonly __brand: 'EventId' };

export interface TraceContext {
  traceId: string;
  spanId: string;
  parentId?: string;
}

export interface SentioEvent<P = unknown> {
  id: EventId;
  /** What it is: "vision.face", "audio.chunk", "agent.action". */
  type: string;
  /** Where it goes: "camera.front.face". */
  topic: string;
  /** ms since epoch when the thing happened (not when it was sent). */
  ts: number;
  /** Who produced it: "camera.front", "agent.coach", "plugin.fer". */
  source: string;
  privacy: Privacy;
  qos: Qos;
  /** Within a QoS class; higher first. */
  priority?: number;
  trace?: TraceContext;
  meta?: Record<string, string>;
  /** Structured-cloneable; media as transferable VideoFrame / ArrayBuffer. */
  payload: P;
  confidence?: number;
  tags?: string[];
}

const PRIVACY_RANK: Record<Privacy, number> = { public: 0, private: 1, local: 2 };

/** A derived event takes the strictest label of its inputs: local > private > public. */
export function strictestPrivacy(labels: Iterable<Privacy>): Privacy {
  let out: Privacy = 'public';
  for (const l of labels) if (PRIVACY_RANK[l] > PRIVACY_RANK[out]) out = l;
  return out;
}

export function isStricterThan(a: Privacy, b: Privacy): boolean {
  return PRIVACY_RANK[a] > PRIVACY_RANK[b];
}
