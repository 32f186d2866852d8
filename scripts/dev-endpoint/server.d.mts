export const DEV_MODEL_ID: string;

export type Fault =
  { status: number; retryAfter?: number } | { drop: 'before-response' | 'mid-stream' | 'after-processing' };

export interface Faults {
  latencyMs: number;
  tokenDelayMs: number;
  script: Fault[];
  down: boolean;
}

export interface DevLogEntry {
  at: number;
  method: string;
  path: string;
  idempotencyKey: string | null;
  contentType: string;
  bytes: number;
  sample: string;
  origin: string | null;
  status?: number | string;
  duplicate?: boolean;
  fault?: Fault | 'down';
}

export interface ModelStatus {
  state: 'idle' | 'loading' | 'ready' | 'failed';
  loadMs?: number;
  bytes?: number;
  error?: string;
}

export interface Embedder {
  id: string;
  dimensions: number;
  status(): ModelStatus;
  embed(texts: string[]): Promise<{ vectors: Float32Array[]; tokens: number }>;
}

export const MAX_EMBEDDING_INPUTS: number;
export const MAX_EMBEDDING_CHARS: number;

export interface DevStats {
  requests: number;
  processed: number;
  duplicates: number;
  faults: number;
  byPath: Record<string, number>;
  uniqueKeys: number;
  models: { embeddings: ModelStatus };
}

export interface DevEndpoint {
  url: string;
  port: number;
  stats(): DevStats;
  log(): DevLogEntry[];
  setFaults(next: Partial<Faults>): void;
  reset(): void;
  close(): Promise<void>;
}

export function devAnswer(messages: { role: string; content: unknown }[]): string;
export function createDevEndpoint(options?: {
  host?: string;
  port?: number;
  whisper?: { transcribe(samples: Float32Array, language?: string): Promise<{ text: string }> };
  embedder?: Embedder;
}): Promise<DevEndpoint>;
