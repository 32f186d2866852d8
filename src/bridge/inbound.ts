// What arrives from the wire is external input: size-limited before decoding, rate-limited per sending
// device, decoded and validated like every other boundary, and deduplicated by event id (JetStream
// redelivers, and an outbox may resend what the server already had). Every refusal has a named error and
// is counted; none of them disturbs anything else.
import type { SentioEvent } from '../events/event';
import { systemClock, type Clock } from '../platform/clock';
import { eventFromProto } from '../events/codec-proto';
import { DEFAULT_LIMITS, EventValidationError } from '../events/validate';
import { createTokenBucket, type TokenBucket } from '../plugins/rate-limit';

export class OversizeError extends Error {
  override name = 'OversizeError';
}
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
}
/** The event's own fields disagree with the subject it came on (another device's name, another topic). */
export class SubjectMismatchError extends Error {
  override name = 'SubjectMismatchError';
}

export type Arrival =
  | { kind: 'event'; event: SentioEvent }
  | { kind: 'duplicate' }
  | { kind: 'own' }
  | { kind: 'rejected'; error: Error };

export interface InboundOptions {
  self: string;
  maxBytes: number;
  perSecond: number;
  /** How many recent event ids are remembered for dedupe. */
  dedupeWindow?: number;
  clock?: Pick<Clock, 'now'>;
}

/** Remembers the last `size` ids (insertion order): enough to span an outage's redelivery. */
export class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly size: number) {}
  /** True when `id` was new (and is now remembered). */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.size) this.ids.delete(this.ids.values().next().value!);
    return true;
  }
}

export function createInbound(o: InboundOptions) {
  const clock = o.clock ?? systemClock;
  const buckets = new Map<string, TokenBucket>();
  const seen = new RecentIds(o.dedupeWindow ?? 20_000);

  return {
    /** Decides about one message from `device` on a subject carrying `topic`. */
    accept(device: string, topic: string, data: Uint8Array): Arrival {
      if (device === o.self) return { kind: 'own' };
      if (data.byteLength > o.maxBytes)
        return {
          kind: 'rejected',
          error: new OversizeError(
            `message of ${data.byteLength} bytes from "${device}" on "${topic}" exceeds the ${o.maxBytes}-byte limit`,
          ),
        };
      let bucket = buckets.get(device);
      if (!bucket) {
        // Bounded: a flood of invented device names must not grow this map without end.
        if (buckets.size > 1000) buckets.clear();
        bucket = createTokenBucket(o.perSecond, o.perSecond * 2, clock);
        buckets.set(device, bucket);
      }
      if (!bucket.take())
        return {
          kind: 'rejected',
          error: new RateLimitedError(`"${device}" sends more than ${o.perSecond} events/s; dropped`),
        };
      let event: SentioEvent;
      try {
        event = eventFromProto(data, {
          ...DEFAULT_LIMITS,
          maxPayloadBytes: o.maxBytes,
          maxMediaBytes: o.maxBytes,
          maxDepth: 32,
        });
      } catch (err) {
        return {
          kind: 'rejected',
          error:
            err instanceof EventValidationError ? err : new EventValidationError('(protobuf)', String(err)),
        };
      }
      if (event.topic !== topic)
        return {
          kind: 'rejected',
          error: new SubjectMismatchError(`event topic "${event.topic}" arrived on subject topic "${topic}"`),
        };
      const claimed = event.meta?.device;
      if (claimed !== undefined && claimed !== device)
        return {
          kind: 'rejected',
          error: new SubjectMismatchError(`event claims device "${claimed}" but was sent as "${device}"`),
        };
      if (!seen.add(event.id)) return { kind: 'duplicate' };
      return { kind: 'event', event: { ...event, meta: { ...event.meta, device } } };
    },
  };
}
