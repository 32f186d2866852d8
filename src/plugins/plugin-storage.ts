// Host-kept key-value storage for plugins, in the `settings` table under `plugin:<id>:<key>`. The sandbox
// has no storage of its own (opaque origin); this is the only place a plugin can keep data, and only up to
// the bytes it was granted. Sizes are the JSON length of key and value.
import type { SentioDb } from '../storage/db';

export class PluginStorageError extends Error {
  override name = 'PluginStorageError';
}

export interface PluginStorage {
  get(pluginId: string, key: string): Promise<unknown>;
  /** Throws PluginStorageError when the value would take the plugin over `quotaBytes`. */
  set(pluginId: string, key: string, value: unknown, quotaBytes: number): Promise<void>;
  delete(pluginId: string, key: string): Promise<void>;
  usage(pluginId: string): Promise<number>;
}

const MAX_KEY = 256;

function sizeOf(key: string, value: unknown): number {
  const json = JSON.stringify(value);
  if (json === undefined)
    throw new PluginStorageError('the value must be JSON (not undefined or a function)');
  return key.length + json.length;
}

function checkKey(key: string): void {
  if (key.length === 0 || key.length > MAX_KEY)
    throw new PluginStorageError(`keys are 1–${MAX_KEY} characters`);
}

export function createPluginStorage(db: SentioDb): PluginStorage {
  const prefix = (id: string) => `plugin:${id}:`;
  const rows = (id: string) => db.settings.where('key').startsWith(prefix(id)).toArray();
  return {
    async get(id, key) {
      checkKey(key);
      return (await db.settings.get(prefix(id) + key))?.value;
    },
    async set(id, key, value, quotaBytes) {
      checkKey(key);
      const bytes = sizeOf(key, value);
      await db.transaction('rw', db.settings, async () => {
        let used = 0;
        for (const r of await rows(id)) {
          const k = r.key.slice(prefix(id).length);
          if (k !== key) used += sizeOf(k, r.value);
        }
        if (used + bytes > quotaBytes) {
          throw new PluginStorageError(
            `storing "${key}" (${bytes} bytes) would exceed the ${quotaBytes}-byte quota (${used} used)`,
          );
        }
        await db.settings.put({ key: prefix(id) + key, value });
      });
    },
    async delete(id, key) {
      checkKey(key);
      await db.settings.delete(prefix(id) + key);
    },
    async usage(id) {
      let used = 0;
      for (const r of await rows(id)) used += sizeOf(r.key.slice(prefix(id).length), r.value);
      return used;
    },
  };
}
