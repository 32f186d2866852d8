// The wire format between a page and the generation worker: one tagged map per direction. A generation
// streams `token` messages under its request id and ends with `done` or `error`.
import type { ErrorData } from '../../platform/error-data';
import type { Tagged } from '../../platform/messages';
import type {
  GenerationInput,
  GenerationOptions,
  GenerationResult,
  LoadedModelInfo,
  LoadOptions,
} from './types';

export interface GenerationStatus {
  loaded: LoadedModelInfo | null;
  /** Requests waiting behind the running one. */
  queued: number;
  /** Id of the request generating now. */
  running: number | null;
  /** Tokens streamed since the worker started: stops growing once a cancelled request has stopped. */
  tokensStreamed: number;
}

export interface ToGenerationMap {
  load: { id: number; model: string; file: Blob; options: LoadOptions };
  unload: { id: number };
  generate: { id: number; input: GenerationInput; options: GenerationOptions };
  cancel: { id: number };
  status: { id: number };
}

export interface FromGenerationMap {
  loaded: { id: number; info: LoadedModelInfo };
  unloaded: { id: number };
  /** The request left the queue and is generating. */
  started: { id: number };
  token: { id: number; text: string };
  done: { id: number; result: GenerationResult };
  error: { id: number; error: ErrorData };
  status: { id: number; status: GenerationStatus };
}

export type ToGeneration = Tagged<ToGenerationMap>;
export type FromGeneration = Tagged<FromGenerationMap>;
