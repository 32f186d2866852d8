// The hub's `log.*` requests: configure what the event log keeps, query/export/import/compact it, and replay
// a recorded range onto the bus in its original order.
import type { SentioEvent } from '../events/event';
import type { EventLog } from './event-log';
import type { HubRequests } from './protocol';

type LogRequest = Extract<keyof HubRequests, `log.${string}`>;

export interface LogRequestHost {
  readonly log: EventLog | undefined;
  now(): number;
  /** The log's rules changed: every client must learn which topics to send for logging. */
  announceLogRules(): void;
  /** Routes one logged event as the hub routes a publish from nobody (judged by its source). */
  republish(e: SentioEvent): void;
}

export function isLogRequest(name: string): name is LogRequest {
  return name.startsWith('log.');
}

export class HubLogRequests {
  private replaySeq = 0;

  constructor(private readonly host: LogRequestHost) {}

  async answer<K extends LogRequest>(name: K, params: unknown): Promise<HubRequests[K]['result']> {
    type R = HubRequests[K]['result'];
    const p = (params ?? {}) as never;
    const log = this.requireLog();
    switch (name) {
      case 'log.configure': {
        const rules = log.configure(p);
        this.host.announceLogRules();
        return rules as R;
      }
      case 'log.query':
        return (await log.query(p)) as R;
      case 'log.export':
        return (await log.exportJsonl(p)) as R;
      case 'log.import':
        return (await log.importJsonl((p as { jsonl: string }).jsonl)) as R;
      case 'log.compact':
        return (await log.compact()) as R;
      case 'log.replay':
        return (await this.replay(p)) as R;
      default:
        throw new Error(`unknown hub request "${String(name)}"`);
    }
  }

  private requireLog(): EventLog {
    if (!this.host.log) throw new Error('this hub has no event log (it was started without a database)');
    return this.host.log;
  }

  /**
   * Re-publishes logged events in their original order. speed 'max': as fast as routing allows; a number:
   * that many times real time, keeping the original gaps between events. A newer replay stops an older one.
   */
  private async replay(q: HubRequests['log.replay']['params']): Promise<{ replayed: number }> {
    const events = await this.requireLog().query(q);
    const run = ++this.replaySeq;
    const speed = q.speed;
    if (speed !== 'max' && !(typeof speed === 'number' && speed > 0))
      throw new RangeError(`replay speed must be "max" or a number > 0 (got ${String(speed)})`);
    const started = this.host.now();
    const first = events[0]?.ts ?? 0;
    for (const e of events) {
      if (run !== this.replaySeq) break;
      if (speed !== 'max') {
        const due = started + (e.ts - first) / speed;
        const wait = due - this.host.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      }
      this.host.republish(e);
    }
    return { replayed: events.length };
  }
}
