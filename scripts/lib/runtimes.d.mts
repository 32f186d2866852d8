export interface Runtime {
  id: string;
  from: string;
  match: RegExp;
}
export const RUNTIMES: Runtime[];
export class RuntimeFileError extends Error {}
export function prepareRuntimes(
  runtimes: Runtime[],
  dirs: { nodeModules: string; outDir: string },
): { copied: number; ready: number };
