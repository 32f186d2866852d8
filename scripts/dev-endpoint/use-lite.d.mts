import type { Embedder } from './server.mjs';

export const USE_LITE_MODEL_ID: string;
export const USE_LITE_DIMENSIONS: number;
export class ModelLoadError extends Error {}
export function useLiteDir(): string;
export function createUseLite(options?: {
  dir?: string;
  log?: (line: string) => void;
  now?: () => number;
}): Embedder;
