// Where the sensor monitor's tool calls land (the host's actuator for `tool` actions). Only tools on the
// allowlist run; anything else is refused with an error that names it. Safe tools run at once; risky ones
// wait for the user's yes, and a no is final: the call is not performed, and that is recorded. Every
// outcome is reported (the card shows it; the app publishes it on `tool.result`).
import type { AgentAction } from '../../index';
import type { ToolSpec } from './agents/tools';
import type { ToolCall, ToolOutcome, ToolResult } from './agents/topics';

export type ToolImpl = (call: ToolCall) => void | Promise<void>;

export interface ConfirmRequest {
  key: string;
  call: ToolCall;
  spec: ToolSpec;
}

export interface ToolGatewayOptions {
  allowlist: readonly ToolSpec[];
  /** What each allowed tool does. An allowed tool without one is refused too. */
  tools: Record<string, ToolImpl>;
  /** Asks the user about a risky call; true to go ahead. */
  confirm(request: ConfirmRequest): Promise<boolean>;
  report(result: ToolResult): void;
  now?: () => number;
}

/** Reads an action's payload as a tool call; the message names what is wrong. */
export function readToolCall(x: unknown): ToolCall {
  const o = x as Partial<ToolCall> | null;
  if (o === null || typeof o !== 'object')
    throw new TypeError('a tool call must be { tool, args?, reason? }');
  if (typeof o.tool !== 'string' || !o.tool) throw new TypeError('a tool call needs "tool", a tool name');
  if (o.args !== undefined && (o.args === null || typeof o.args !== 'object' || Array.isArray(o.args)))
    throw new TypeError(`tool "${o.tool}": args must be an object`);
  if (o.reason !== undefined && typeof o.reason !== 'string')
    throw new TypeError(`tool "${o.tool}": reason must be a string`);
  return { tool: o.tool, ...(o.args ? { args: o.args } : {}), ...(o.reason ? { reason: o.reason } : {}) };
}

export function createToolGateway(o: ToolGatewayOptions) {
  const now = o.now ?? Date.now;
  const specs = new Map(o.allowlist.map((s) => [s.name, s]));
  /** Keys handed to us in this page's life: an action offered again after a re-scan is not run twice. */
  const seen = new Set<string>();
  /** Risky calls waiting for the user, by tool and arguments: a repeat joins the one already asked. */
  const waiting = new Map<string, string>();

  function report(key: string, call: ToolCall, outcome: ToolOutcome): void {
    o.report({ key, call, at: now(), ...outcome });
  }

  async function run(key: string, call: ToolCall, confirmed: boolean): Promise<void> {
    try {
      await o.tools[call.tool]!(call);
      report(key, call, { status: 'performed', confirmed });
    } catch (e) {
      report(key, call, { status: 'failed', error: `tool "${call.tool}" failed: ${(e as Error).message}` });
    }
  }

  async function ask(key: string, call: ToolCall, spec: ToolSpec): Promise<void> {
    const same = `${call.tool} ${JSON.stringify(call.args ?? {})}`;
    const already = waiting.get(same);
    if (already) {
      report(key, call, { status: 'refused', error: `already waiting for your answer on ${already}` });
      return;
    }
    waiting.set(same, key);
    report(key, call, { status: 'awaiting-confirmation' });
    // A dialog that could not be shown is a no: a risky tool never runs unconfirmed.
    const yes = await o.confirm({ key, call, spec }).then(
      (answer) => answer === true,
      () => false,
    );
    waiting.delete(same);
    if (yes) await run(key, call, true);
    else report(key, call, { status: 'declined' });
  }

  return {
    /**
     * The host's actuator. It never throws for a refused call (the host would offer it again); and it does
     * not wait for the user, or one pending question would hold up every later action.
     */
    async perform(action: Pick<AgentAction, 'key' | 'payload'>): Promise<void> {
      if (seen.has(action.key)) return;
      seen.add(action.key);
      let call: ToolCall;
      try {
        call = readToolCall(action.payload);
      } catch (e) {
        report(
          action.key,
          { tool: String((action.payload as ToolCall | null)?.tool ?? '?') },
          {
            status: 'refused',
            error: (e as Error).message,
          },
        );
        return;
      }
      const spec = specs.get(call.tool);
      if (!spec || !o.tools[call.tool]) {
        report(action.key, call, {
          status: 'refused',
          error: `tool "${call.tool}" is not on the allowlist (allowed: ${[...specs.keys()].join(', ')})`,
        });
        return;
      }
      if (spec.risk === 'safe') return run(action.key, call, false);
      void ask(action.key, call, spec);
    },
    /** Risky calls now waiting for the user. */
    waiting: (): number => waiting.size,
  };
}

export type ToolGateway = ReturnType<typeof createToolGateway>;
