// The agent worker's boundary, types only. Control goes over comlink (start, deliver, inspect, stop);
// the host's callbacks travel as a comlink proxy. Failures cross as data and are rebuilt by the host.
import type { SentioEvent } from '../events/event';
import type { AgentAction, AgentSnapshot, AgentSubscription, InferOptions } from './types';
import type { ErrorData } from '../platform/error-data';

export interface StartOptions {
  dbName: string;
  /** The Storage Bucket the database lives in; the origin's default storage when absent. */
  storageBucket?: string;
  /** Web Lock the worker holds for its whole life: its release is how the supervisor learns of a crash. */
  lifeLock: string;
  /** Commit after at most this many events (group commit): the bound on what a crash can make us replay. */
  groupCommit?: number;
  /** Where the embedding model is served. */
  embeddingsUrl?: string;
  /** Tell the host which events each commit settled (HostCallbacks.settled): it traces the agent stage. */
  reportSettled?: boolean;
}

export interface AgentInfo {
  id: string;
  subscriptions: AgentSubscription[];
  durable: boolean;
}

export type StartResult = { ok: true; agents: AgentInfo[] } | { ok: false; error: ErrorData };

export interface Delivery {
  agentId: string;
  /** The inbox sequence number (durable agents) or the host's own counter (in-memory agents). */
  seq: number;
  event: SentioEvent;
}

/** An event whose handling a commit made final: handled (`ok`) or dead-lettered. */
export interface SettledEvent {
  eventId: string;
  ok: boolean;
}

export interface FailureReport {
  agentId: string;
  eventId: string;
  attempt: number;
  error: ErrorData;
  timedOut: boolean;
  /** false: attempts are used up and the event went to the dead-letter topic. */
  willRetry: boolean;
}

export interface HostCallbacks {
  /** Actions made durable by a commit, to be performed now. */
  committed(actions: AgentAction[]): void;
  /** Events a commit settled, before that commit's actions; only with StartOptions.reportSettled. */
  settled?(agentId: string, events: SettledEvent[]): void;
  failed(report: FailureReport): void;
  infer(agentId: string, task: string, input: unknown, options?: InferOptions): Promise<unknown>;
  log(agentId: string, message: string, data?: unknown): void;
}

export interface AgentWorkerApi {
  start(options: StartOptions, host: HostCallbacks): Promise<StartResult>;
  deliver(batch: Delivery[]): void;
  inspect(): AgentSnapshot[];
  stop(): Promise<void>;
}

/** Where a dead-lettered event goes, and where handler failures are reported. */
export const deadLetterTopic = (agentId: string): string => `agent.${agentId}.deadletter`;
export const errorTopic = (agentId: string): string => `agent.${agentId}.error`;
