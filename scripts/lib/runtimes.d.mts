export interface Runtime {
  id: string;
  package: string;
  within?: string;
  dir: string;
  match: RegExp;
}
export function findPackage(name: string, fromDir: string): string | null;
export function runtimeSource(runtime: Runtime, root: string): { src: string; label: string };
export const RUNTIMES: Runtime[];
export class RuntimeFileError extends Error {}
export function prepareRuntimes(
  runtimes: Runtime[],
  dirs: { root: string; outDir: string },
): {
  copied: number;
  ready: number;
  removed: number;
  files: { runtime: string; file: string; size: number }[];
};
