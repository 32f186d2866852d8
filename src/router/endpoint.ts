// An OpenAI-compatible endpoint as configured by the user (see README "Cloud endpoints").
import type { EgressTarget } from '../privacy/egress-gate';

export interface EndpointConfig extends EgressTarget {
  /** Model name sent in requests ("gpt-4o-mini", "llama3.1:8b", …). */
  model: string;
  /** Model for /v1/audio/transcriptions, when the endpoint offers it. */
  transcriptionModel?: string;
  embeddingModel?: string;
  /** Price per 1,000 tokens (prompt and completion alike), in the user's currency. */
  costPer1kTokens: number;
  /** A bearer key; leave out when a proxy adds credentials. */
  apiKey?: string;
  /** A development endpoint answers deterministically; the UI must say so and never call it a model. */
  development?: boolean;
}

export function endpointHeaders(e: EndpointConfig): Record<string, string> {
  return { ...e.headers, ...(e.apiKey ? { authorization: `Bearer ${e.apiKey}` } : {}) };
}
