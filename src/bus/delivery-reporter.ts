// A subscriber's own count of what reached its handlers, sent to the hub about once a second and only when it
// changed. Lanes and this thread's own publishes bypass the hub, so only this end can count every delivery;
// one small message a second per thread keeps the hub's stats true without a message per event.
import type { DeliveryReport } from './protocol';

export const DELIVERY_REPORT_MS = 1000;

export class DeliveryReporter {
  private readonly sent = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly counts: () => DeliveryReport[],
    private readonly post: (reports: DeliveryReport[]) => void,
    private readonly intervalMs = DELIVERY_REPORT_MS,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.report(), this.intervalMs);
  }

  /** Sends what changed since the last report (nothing if nothing did). */
  report(): void {
    const changed: DeliveryReport[] = [];
    const live = new Set<string>();
    for (const r of this.counts()) {
      live.add(r.id);
      if (this.sent.get(r.id) === r.delivered) continue;
      this.sent.set(r.id, r.delivered);
      changed.push(r);
    }
    for (const id of this.sent.keys()) if (!live.has(id)) this.sent.delete(id);
    if (changed.length) this.post(changed);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
