// Storage Buckets (Chromium): a named partition of the origin's storage with its own quota and eviction. The
// agents' database may live in one (AgentHostOptions.storageBucket), so a person can cap what agent state may
// take, and a full bucket shows as what it is: a QuotaExceededError at commit. The DOM typings lack the API.

interface StorageBucket {
  readonly indexedDB: IDBFactory;
}
interface StorageBucketManager {
  open(name: string, options?: { quota?: number; persisted?: boolean }): Promise<StorageBucket>;
}

export class StorageBucketsUnsupportedError extends Error {
  override name = 'StorageBucketsUnsupportedError';
}

/** The IndexedDB of bucket `name` (created with the browser's defaults when it does not exist yet). */
export async function bucketIndexedDb(name: string): Promise<IDBFactory> {
  const manager = (navigator as Navigator & { storageBuckets?: StorageBucketManager }).storageBuckets;
  if (!manager)
    throw new StorageBucketsUnsupportedError(
      `this browser has no Storage Buckets API, so storage bucket "${name}" cannot be opened`,
    );
  return (await manager.open(name)).indexedDB;
}
