// A direct, typed lane that moves camera frames from the capturing page to one consumer in a dedicated
// worker. Frames are transferred (the sender's handle is detached; pixels are never copied or cloned) and
// flow is credit-based: the consumer returns one credit per frame it has finished with. With credits spent,
// the newest frame waits in a single pending slot and replaces (and closes) any older waiting frame, so a
// slow consumer always gets the freshest frame and latency stays bounded. Self-contained so it can later be
// folded into the bus's lanes.
import type { TraceContext } from '../events/event';
import type { Endpoint, Tagged } from '../platform/messages';
import { toErrorData, type ErrorData } from '../platform/error-data';
import { releaseFrame } from '../platform/release-frame';

export interface FrameMeta {
  seq: number;
  /** ms since epoch when the frame was captured. */
  ts: number;
  width: number;
  height: number;
  /** Frames this lane has dropped so far (replaced while waiting). */
  dropped: number;
  /** The frame's trace (its capture span), when the camera is traced. */
  trace?: TraceContext;
}

/** Messages towards the consumer, by tag. */
export interface ToConsumer<F> {
  'lane.frame': { meta: FrameMeta; frame: F };
  'lane.close': { reason: string };
}
/** Messages back to the sender, by tag. */
export interface ToSender {
  'lane.credit': { count: number };
  'lane.error': { error: ErrorData; seq: number | null };
}

export type ToConsumerMessage<F> = Tagged<ToConsumer<F>>;
export type ToSenderMessage = Tagged<ToSender>;

export class FrameLaneError extends Error {
  override name = 'FrameLaneError';
}

/** What travels: VideoFrame and ImageBitmap in the browser; an ArrayBuffer works too (Node tests). */
export type LaneFrame = Transferable;

export interface FrameSenderOptions<F extends LaneFrame> {
  /** Frames in flight before the pending slot is used. Default 1. */
  credits?: number;
  /**
   * With every credit out: `'newest'` (default) keeps the newest frame waiting in the slot, sent the moment a
   * credit returns; `'none'` releases it at once (counted as dropped), and the consumer gets the next frame
   * offered after it is free. For a consumer much slower than the camera (pose at 2 fps), where a frame kept
   * waiting holds one of the camera's few buffers for the whole model call: measured, capture fell 15 → 13.9 fps.
   */
  waiting?: 'newest' | 'none';
  /** Frees a frame that will never be sent; defaults to calling its `close()` if it has one. */
  release?: (frame: F) => void;
  /** Told when the consumer reports that handling a frame failed. */
  onConsumerError?: (error: ErrorData, seq: number | null) => void;
  /** Clock for `stalledForMs`; injected in tests. Default performance.now. */
  now?: () => number;
}

export interface FrameSenderStats {
  offered: number;
  sent: number;
  dropped: number;
  inFlight: number;
  pending: boolean;
  consumerErrors: number;
  /** Credit messages the sender could not make sense of. */
  malformed: number;
  /** How long every credit has been out with none coming back (0 when one is free): a dead or stuck consumer. */
  stalledForMs: number;
}

export interface FrameSender<F extends LaneFrame> {
  /**
   * Sends `frame` now if a credit is free, else parks it as the newest (or drops it, `waiting: 'none'`).
   * Ownership passes to the lane.
   */
  offer(frame: F, meta: Omit<FrameMeta, 'dropped'>): 'sent' | 'pending' | 'dropped';
  stats(): FrameSenderStats;
  /** Releases the waiting frame (counted as dropped), e.g. when the consumer looks dead: it holds a camera buffer. */
  dropPending(): void;
  close(reason?: string): void;
}

export function createFrameSender<F extends LaneFrame>(
  port: Endpoint,
  options: FrameSenderOptions<F> = {},
): FrameSender<F> {
  const maxCredits = options.credits ?? 1;
  if (!Number.isInteger(maxCredits) || maxCredits < 1) {
    throw new FrameLaneError(`credits must be a whole number ≥ 1 (got ${maxCredits})`);
  }
  const release = options.release ?? releaseFrame;
  const now = options.now ?? (() => performance.now());
  let credits = maxCredits;
  /** When the last free credit was spent; null while one is free. */
  let exhaustedAt: number | null = null;
  let pending: { frame: F; meta: Omit<FrameMeta, 'dropped'> } | null = null;
  let closed = false;
  const stats = { offered: 0, sent: 0, dropped: 0, consumerErrors: 0, malformed: 0 };

  const send = (frame: F, meta: Omit<FrameMeta, 'dropped'>) => {
    credits--;
    if (credits === 0) exhaustedAt = now();
    stats.sent++;
    const message: ToConsumerMessage<F> = {
      type: 'lane.frame',
      meta: { ...meta, dropped: stats.dropped },
      frame,
    };
    port.postMessage(message, [frame]);
  };

  const onMessage = (e: MessageEvent) => {
    const m = e.data as ToSenderMessage | undefined;
    switch (m?.type) {
      case 'lane.credit':
        if (!Number.isInteger(m.count) || m.count < 1) {
          stats.malformed++;
          return;
        }
        // Never more than granted: a confused consumer cannot make the sender flood it.
        credits = Math.min(maxCredits, credits + m.count);
        exhaustedAt = null;
        if (pending && credits > 0 && !closed) {
          const p = pending;
          pending = null;
          send(p.frame, p.meta);
        }
        return;
      case 'lane.error':
        stats.consumerErrors++;
        options.onConsumerError?.(m.error, m.seq);
        return;
      default:
        stats.malformed++;
    }
  };
  port.addEventListener('message', onMessage);
  port.start?.();

  return {
    offer(frame, meta) {
      if (closed) {
        release(frame);
        throw new FrameLaneError('offer on a closed frame lane');
      }
      stats.offered++;
      if (credits > 0) {
        send(frame, meta);
        return 'sent';
      }
      if (options.waiting === 'none') {
        release(frame);
        stats.dropped++;
        return 'dropped';
      }
      if (pending) {
        release(pending.frame);
        stats.dropped++;
      }
      pending = { frame, meta };
      return 'pending';
    },
    stats() {
      return {
        ...stats,
        inFlight: maxCredits - credits,
        pending: pending !== null,
        stalledForMs: exhaustedAt === null ? 0 : now() - exhaustedAt,
      };
    },
    dropPending() {
      if (!pending) return;
      release(pending.frame);
      pending = null;
      stats.dropped++;
    },
    close(reason = 'closed by the sender') {
      if (closed) return;
      closed = true;
      if (pending) {
        release(pending.frame);
        pending = null;
      }
      const message: ToConsumerMessage<F> = { type: 'lane.close', reason };
      port.postMessage(message, []);
      port.removeEventListener('message', onMessage);
      port.close?.();
    },
  };
}

export interface FrameReceiverOptions {
  /** Told when the sender closes the lane. */
  onClose?: (reason: string) => void;
}

export interface FrameReceiverStats {
  received: number;
  handled: number;
  errors: number;
  malformed: number;
}

export interface FrameReceiver {
  stats(): FrameReceiverStats;
  close(): void;
}

/**
 * Consumer side. `handler` owns the frame while it runs and should `close()` it as soon as it has what it
 * needs (say, after making its input tensor): camera frames come from a small buffer pool, and a consumer
 * that holds each frame for its whole run starves the camera (measured with the fake camera: a 250 ms
 * consumer holding its frame cut capture from 15 to ~4 fps; closing first kept 15 fps, newest wins).
 * The frame is released anyway when the handler settles (closing twice is harmless), then a credit goes back. A throwing handler costs that
 * frame only: the error is reported to the sender as data and the credit is still returned.
 */
export function createFrameReceiver<F extends LaneFrame>(
  port: Endpoint,
  handler: (frame: F, meta: FrameMeta) => void | Promise<void>,
  options: FrameReceiverOptions & { release?: (frame: F) => void } = {},
): FrameReceiver {
  const release = options.release ?? releaseFrame;
  const stats = { received: 0, handled: 0, errors: 0, malformed: 0 };
  let closed = false;
  const reply = (m: ToSenderMessage) => {
    if (!closed) port.postMessage(m, []);
  };

  const handle = async (frame: F, meta: FrameMeta) => {
    try {
      await handler(frame, meta);
      stats.handled++;
    } catch (e) {
      stats.errors++;
      reply({ type: 'lane.error', error: toErrorData(e), seq: meta.seq });
    } finally {
      release(frame);
      reply({ type: 'lane.credit', count: 1 });
    }
  };

  const onMessage = (e: MessageEvent) => {
    const m = e.data as ToConsumerMessage<F> | undefined;
    switch (m?.type) {
      case 'lane.frame':
        stats.received++;
        void handle(m.frame, m.meta);
        return;
      case 'lane.close':
        closed = true;
        port.removeEventListener('message', onMessage);
        options.onClose?.(m.reason);
        return;
      default: {
        stats.malformed++;
        const what =
          typeof m === 'object' && m !== null ? JSON.stringify((m as { type?: unknown }).type) : typeof m;
        reply({
          type: 'lane.error',
          error: toErrorData(new FrameLaneError(`frame lane got a message of unknown type ${what}`)),
          seq: null,
        });
      }
    }
  };
  port.addEventListener('message', onMessage);
  port.start?.();
  return {
    stats: () => ({ ...stats }),
    close() {
      closed = true;
      port.removeEventListener('message', onMessage);
      port.close?.();
    },
  };
}
