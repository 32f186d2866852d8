export class PackageFetchError extends Error {}
export function integrityOf(bytes: Uint8Array): string;
export function checkIntegrity(spec: string, bytes: Uint8Array, integrity: string | undefined): void;
export function readTarballEntries(
  spec: string,
  tarball: string,
  paths: string[],
): Promise<Map<string, Buffer>>;
export function filesFromPackage(
  spec: string,
  integrity: string | undefined,
  paths: string[],
): Promise<Map<string, Buffer>>;
