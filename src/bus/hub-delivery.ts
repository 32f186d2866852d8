// The hub's check of a subscriber's delivery report (see delivery-reporter.ts): well-formed entries are kept,
// the rest refused with one named error; a bad report never throws inside the hub.
import type { ErrorData } from '../platform/error-data';
import type { DeliveryLatency, DeliveryReport } from './protocol';

const count = (n: unknown): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= Number.MAX_SAFE_INTEGER;
const ms = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;

function latencyOf(l: unknown): DeliveryLatency | undefined | null {
  if (l === undefined) return undefined;
  const o = l as Partial<DeliveryLatency> | null;
  if (!o || !ms(o.p50) || !ms(o.p99) || !count(o.count)) return null;
  return { p50: o.p50, p99: o.p99, count: o.count };
}

export function deliveryReports(m: { reports?: unknown }): {
  reports: DeliveryReport[];
  error: ErrorData | null;
} {
  const raw = m?.reports;
  if (!Array.isArray(raw))
    return {
      reports: [],
      error: {
        name: 'ProtocolError',
        message: 'delivery.reports must be an array of { id, delivered, latency? }',
      },
    };
  const reports: DeliveryReport[] = [];
  let bad = 0;
  for (const r of raw as Partial<DeliveryReport>[]) {
    const latency = latencyOf(r?.latency);
    if (typeof r?.id === 'string' && count(r.delivered) && latency !== null)
      reports.push(
        latency ? { id: r.id, delivered: r.delivered, latency } : { id: r.id, delivered: r.delivered },
      );
    else bad++;
  }
  const error: ErrorData | null = bad
    ? {
        name: 'ProtocolError',
        message: `${bad} delivery report(s) refused: each needs id (string), delivered (whole number ≥ 0) and an optional latency { p50, p99 (ms ≥ 0), count }`,
      }
    : null;
  return { reports, error };
}
