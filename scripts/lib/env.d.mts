export const root: string;
export const NO_CHROMIUM_HELP: string;
export function log(msg: string): void;
export function fail(msg: string): never;
export function chooseChromium(o: {
  override: string | undefined;
  isExecutable: (path: string) => boolean;
  isRoot: boolean;
  hasApt: boolean;
  candidates?: string[];
}):
  | { use: string; install?: undefined; error?: undefined }
  | { install: 'apt-get'; use?: undefined; error?: undefined }
  | { error: string; use?: undefined; install?: undefined };
export function ensureChromium(): string;
export function portIsFree(port: number, host?: string): Promise<boolean>;
export interface LockPackage {
  version?: string;
  optional?: boolean;
  devOptional?: boolean;
  link?: boolean;
}
export function lockMismatch(
  lock: { packages?: Record<string, LockPackage> },
  installed: { packages?: Record<string, { version?: string }> } | null,
): string | null;
