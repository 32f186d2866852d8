// A "cloud agent" in Node on the same NATS space as a person's devices (seed 002's edge ↔ cloud shape): it asks
// an edge device to run a tool and waits for the outcome. The edge connects outbound only; the call goes
// through its tool gateway (allowlist, confirmation for risky tools). The request's key is its idempotency key:
// send it again (a retry after a timeout, a redelivery) and the edge does not execute it twice.
//
// The edge's Devices panel (or `sentio.bridge.connect`) must import `tool.call`, export `tool.result`, and have
// consent for private events to this server (results are labelled private).
//
//   const agent = await startCloudAgent({ servers: 'nats://127.0.0.1:4222', space: 'home' });
//   const result = await agent.callTool({ key: 'stop-1', tool: 'robot.stop', reason: 'overheating' });
//   // result.status: performed | declined | refused | failed
import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import { importSubject, subjectFor } from '../src/bridge/subjects';
import { eventFromProto, eventToProto } from '../src/events/codec-proto';
import type { SentioEvent } from '../src/events/event';
import { createIdGenerator } from '../src/events/id';
import { FINAL_TOOL_STATUSES, type RemoteToolCall } from '../src/app/demos/remote-tools';
import type { ToolResult } from '../src/app/demos/agents/topics';

export interface CloudAgentOptions {
  /** NATS server(s), TCP (`nats://…`): a cloud agent is not a browser. */
  servers: string | string[];
  /** The subject prefix the person's devices share. Default "sentio". */
  space?: string;
  /** This agent's device name on the space. Default "cloud". */
  device?: string;
  /** Token, user/password, NKey or .creds authenticator: passed to the NATS client as they are. */
  auth?: Pick<ConnectionOptions, 'token' | 'user' | 'pass' | 'authenticator'>;
}

export interface CloudAgent {
  /**
   * Sends the call and resolves with its final outcome (performed, declined, refused or failed) as the edge
   * reports it; rejects after `timeoutMs` (default 60 s) without one. Core NATS is at-most-once, so until the
   * edge has answered anything for this key the same message is sent again every `resendMs` (default 2 s):
   * the edge drops the copies by event id, and a copy of a call it already ran never runs it again.
   */
  callTool(call: RemoteToolCall, options?: { timeoutMs?: number; resendMs?: number }): Promise<ToolResult>;
  /** Sends exactly these bytes again: what a redelivery of the same message looks like to the edge. */
  resend(key: string): void;
  /** Every result heard so far, in arrival order (awaiting-confirmation ones too). */
  readonly results: readonly ToolResult[];
  close(): Promise<void>;
}

export async function startCloudAgent(o: CloudAgentOptions): Promise<CloudAgent> {
  const space = o.space ?? 'sentio';
  const device = o.device ?? 'cloud';
  const nc: NatsConnection = await connect({ servers: o.servers, name: `sentio-${device}`, ...o.auth });
  const ids = createIdGenerator();
  const sent = new Map<string, Uint8Array>();
  const results: ToolResult[] = [];
  const waiters = new Map<string, (r: ToolResult) => void>();
  /** Keys the edge has answered at least once (an awaiting-confirmation counts): no more resends. */
  const heard = new Set<string>();

  const sub = nc.subscribe(importSubject(space, 'r', 'tool.result'), {
    callback: (err, msg) => {
      if (err) return;
      let e: SentioEvent;
      try {
        e = eventFromProto(msg.data);
      } catch {
        return; // not a Sentio event: nothing of ours
      }
      const r = e.payload as ToolResult;
      // The edge scopes keys by the caller's device: `<device>/<key>`.
      if (typeof r?.key !== 'string' || !r.key.startsWith(`${device}/`)) return;
      results.push(r);
      const key = r.key.slice(device.length + 1);
      heard.add(key);
      if (FINAL_TOOL_STATUSES.has(r.status)) waiters.get(key)?.(r);
    },
  });

  return {
    results,
    callTool(call, options = {}) {
      const event: SentioEvent = {
        id: ids.next(),
        type: 'tool.call',
        topic: 'tool.call',
        ts: Date.now(),
        source: `${device}.agent`,
        privacy: 'private',
        qos: 'batched',
        payload: call,
      };
      const bytes = eventToProto(event);
      const subject = subjectFor(space, 'r', device, 'tool.call');
      sent.set(call.key, bytes);
      heard.delete(call.key);
      const timeoutMs = options.timeoutMs ?? 60_000;
      const resend = setInterval(() => {
        if (!heard.has(call.key)) nc.publish(subject, bytes);
      }, options.resendMs ?? 2000);
      const outcome = new Promise<ToolResult>((resolve, reject) => {
        const timer = setTimeout(() => {
          clearInterval(resend);
          waiters.delete(call.key);
          reject(new Error(`no outcome for tool call "${call.key}" (${call.tool}) within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.set(call.key, (r) => {
          clearTimeout(timer);
          clearInterval(resend);
          waiters.delete(call.key);
          resolve(r);
        });
      });
      nc.publish(subject, bytes);
      return outcome;
    },
    resend(key) {
      const bytes = sent.get(key);
      if (!bytes) throw new Error(`no tool call "${key}" was sent`);
      nc.publish(subjectFor(space, 'r', device, 'tool.call'), bytes);
    },
    async close() {
      sub.unsubscribe();
      await nc.drain();
    },
  };
}
