// Tool calls from another device (seed 002's edge ↔ cloud shape): a cloud agent on the same NATS space
// publishes `tool.call`; the bridge imports it (marked with the sender's `meta.device`), and it goes through the
// same tool gateway as the sensor monitor's own calls — allowlist, confirmation for risky tools, a decline
// recorded and not performed. The outcome goes out as `tool.result` with key `<device>/<key>`. The caller's key
// is its idempotency key: a redelivered or repeated request with the same key is not executed twice.
import type { Bus, SentioEvent } from '../../index';
import type { ToolResult } from './agents/topics';
import type { ToolGateway } from './tool-gateway';

export const REMOTE_TOOL_CALL_TOPIC = 'tool.call';

/** What a caller on another device sends: a tool call plus its idempotency key. */
export interface RemoteToolCall {
  key: string;
  tool: string;
  args?: Record<string, unknown>;
  reason?: string;
}

export interface RemoteToolOptions {
  bus: Bus;
  gateway: Pick<ToolGateway, 'perform'>;
  /** Only the tab that runs the agents (and the robot) takes calls, or two tabs would both perform them. */
  here(): boolean;
  /** Publishes an outcome on `tool.result` (the gateway's own reporter). */
  report(result: ToolResult): void;
}

const KEY = /^[\w.:-]{1,128}$/;
/** Outcomes after which nothing more comes for a call (awaiting-confirmation is not one). */
export const FINAL_TOOL_STATUSES: ReadonlySet<ToolResult['status']> = new Set([
  'performed',
  'declined',
  'refused',
  'failed',
]);
/** Outcomes remembered for repeats; a caller retries within minutes, not after thousands of other calls. */
const REMEMBERED = 1000;

export function acceptRemoteToolCalls(o: RemoteToolOptions): { stop(): void } {
  /** Final outcomes of remote calls by key: a repeat gets the same answer again, never a second run. */
  const outcomes = new Map<string, ToolResult>();
  const forwarded = new Set<string>();
  const results = o.bus.subscribe('tool.result', (e: SentioEvent) => {
    const r = e.payload as ToolResult;
    if (!forwarded.has(r.key) || !FINAL_TOOL_STATUSES.has(r.status)) return;
    if (outcomes.size >= REMEMBERED) outcomes.delete(outcomes.keys().next().value!);
    outcomes.set(r.key, r);
  });
  const refuse = (key: string, tool: string, error: string) =>
    o.report({ key, call: { tool }, at: Date.now(), status: 'refused', error });

  const calls = o.bus.subscribe(REMOTE_TOOL_CALL_TOPIC, (e: SentioEvent) => {
    if (!o.here()) return;
    const p = e.payload as Partial<RemoteToolCall> | null;
    const tool = typeof p?.tool === 'string' ? p.tool : '?';
    const device = e.meta?.device;
    if (!device)
      return refuse(`local/${e.id}`, tool, 'tool.call is taken only from another device, through the bridge');
    if (typeof p?.key !== 'string' || !KEY.test(p.key))
      return refuse(
        `${device}/${e.id}`,
        tool,
        'a remote tool call needs "key": its idempotency key, 1-128 of [A-Za-z0-9_.:-]',
      );
    const { key, ...call } = p;
    const scoped = `${device}/${key}`;
    const known = outcomes.get(scoped);
    if (known) return o.report({ ...known, at: Date.now() });
    // Still running or waiting for the person: the gateway ignores the repeat; its outcome answers both.
    forwarded.add(scoped);
    void o.gateway.perform({ key: scoped, payload: call });
  });
  return {
    stop() {
      calls.unsubscribe();
      results.unsubscribe();
    },
  };
}
