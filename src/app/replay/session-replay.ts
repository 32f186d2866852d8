// Record a session and replay it into the runtime, on top of the hub's event log (log.export, log.import,
// log.replay): recording is an export of what the log kept between start and stop; replaying imports the
// file into the log and has the hub re-publish exactly those events, in their original order, as fast as
// routing allows ('max') or at a multiple of real time keeping the original gaps.
//
// What a recording holds is what the log keeps: by default every event except realtime ones (raw frames and
// audio chunks, which carry media and are not JSON) and request inboxes. Replay therefore starts from
// derived events (faces, speech segments, transcripts), which is what agents consume.
import { type ConnectedBus, systemClock, type Clock } from '../../index';
import { readSessionFile, type SessionFileSummary } from './session-file';

export type RecorderState = { status: 'idle' } | { status: 'recording'; since: number };

export class RecordingStateError extends Error {
  override name = 'RecordingStateError';
}

export class SessionRecorder {
  private state: RecorderState = { status: 'idle' };

  constructor(
    private readonly bus: ConnectedBus,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {}

  get status(): RecorderState {
    return this.state;
  }

  start(): void {
    if (this.state.status === 'recording') throw new RecordingStateError('already recording');
    this.state = { status: 'recording', since: this.clock.now() };
  }

  /** Stops and returns the session as JSONL (possibly empty when nothing was published). */
  async stop(): Promise<string> {
    if (this.state.status !== 'recording') throw new RecordingStateError('not recording');
    const from = this.state.since;
    this.state = { status: 'idle' };
    await this.bus.flush(); // what this thread published must reach the hub's log first
    return this.bus.hub.request('log.export', { from, to: this.clock.now() });
  }
}

export interface ReplayOptions {
  /** 'max' (default): as fast as routing allows. A number: that many times real time. */
  speed?: number | 'max';
}

export interface ReplayReport extends SessionFileSummary {
  imported: number;
  replayed: number;
  speed: number | 'max';
}

export async function replaySession(
  bus: ConnectedBus,
  jsonl: string,
  options: ReplayOptions = {},
): Promise<ReplayReport> {
  const speed = options.speed ?? 'max';
  if (speed !== 'max' && !(typeof speed === 'number' && Number.isFinite(speed) && speed > 0))
    throw new RangeError(`replay speed must be "max" or a number > 0 (got ${String(speed)})`);
  const { summary } = readSessionFile(jsonl); // throws EmptySessionError with the reasons
  const { imported } = await bus.hub.request('log.import', { jsonl });
  const { replayed } = await bus.hub.request('log.replay', {
    from: summary.firstTs,
    to: summary.lastTs,
    patterns: summary.topics,
    speed,
  });
  return { ...summary, imported, replayed, speed };
}
