import type { FetchFiles } from './models.mjs';
export const USAGE: string;
export class UsageError extends Error {}
export class AssetsError extends Error {}
export function parseArgs(argv: string[]): { command: 'assets'; dir: string } | { command: 'help' };
export function formatSize(bytes: number): string;
export function formatListing(files: { path: string; size: number }[]): string;
export function ensureWritable(dir: string): void;
export function copyAssets(options: {
  packageRoot: string;
  outDir: string;
  fetchFiles?: FetchFiles;
}): Promise<{ path: string; size: number }[]>;
