// Installed plugin versions in the `plugins` table of the one database: one row per (id, version), one of
// them active. Installing a newer version makes it active and keeps the older one, so it can be rolled back
// to. Nothing is stored unless its manifest parses and its signature verifies.
import type { PluginRow, SentioDb } from '../storage/db';
import { PluginVersionError } from './errors';
import { parseManifest, type PluginManifest } from './manifest';
import type { PluginPackage } from './plugin-host';
import { compareSemver } from './semver';
import { verifyPlugin, type TrustedKey, type VerifyOptions } from './signature';
import { systemClock, type Clock } from '../platform/clock';

export interface InstalledVersion {
  version: string;
  active: boolean;
  installedAt: number;
}

export interface PluginStore {
  /** Verifies and stores a version newer than the active one, and makes it active. */
  install(pkg: PluginPackage): Promise<PluginManifest>;
  /** Makes the highest version below the active one active again. */
  rollback(id: string): Promise<PluginManifest>;
  /** The active version's package, or undefined when the plugin is not installed. */
  active(id: string): Promise<PluginPackage | undefined>;
  versions(id: string): Promise<InstalledVersion[]>;
  /** Removes every version of a plugin. */
  uninstall(id: string): Promise<void>;
}

export interface PluginStoreOptions {
  trust: readonly TrustedKey[];
  verify?: VerifyOptions;
  clock?: Pick<Clock, 'now'>;
}

export function createPluginStore(db: SentioDb, options: PluginStoreOptions): PluginStore {
  const clock = options.clock ?? systemClock;
  const rowsOf = (id: string) => db.plugins.where('id').equals(id).toArray();
  const toPackage = (row: PluginRow): PluginPackage => ({
    manifest: row.manifest,
    entry: new Uint8Array(row.entry),
  });

  return {
    async install(pkg) {
      const manifest = parseManifest(pkg.manifest);
      await verifyPlugin(manifest, pkg.entry, options.trust, options.verify);
      await db.transaction('rw', db.plugins, async () => {
        const rows = await rowsOf(manifest.id);
        const current = rows.find((r) => r.active === 1);
        if (rows.some((r) => r.version === manifest.version)) {
          throw new PluginVersionError(`${manifest.id}@${manifest.version} is already installed`);
        }
        if (current && compareSemver(manifest.version, current.version) <= 0) {
          throw new PluginVersionError(
            `${manifest.id}@${manifest.version} is not newer than the active ${current.version}; use rollback to go back`,
          );
        }
        if (current) await db.plugins.put({ ...current, active: 0 });
        await db.plugins.put({
          id: manifest.id,
          version: manifest.version,
          manifest,
          entry: pkg.entry.slice().buffer,
          installedAt: clock.now(),
          active: 1,
        });
      });
      return manifest;
    },
    async rollback(id) {
      return db.transaction('rw', db.plugins, async () => {
        const rows = (await rowsOf(id)).sort((a, b) => compareSemver(b.version, a.version));
        const i = rows.findIndex((r) => r.active === 1);
        const current = rows[i];
        const previous = rows[i + 1];
        if (!current) throw new PluginVersionError(`plugin ${id} is not installed`);
        if (!previous)
          throw new PluginVersionError(`${id}@${current.version} has no earlier version to roll back to`);
        await db.plugins.put({ ...current, active: 0 });
        await db.plugins.put({ ...previous, active: 1 });
        return parseManifest(previous.manifest);
      });
    },
    async active(id) {
      const row = (await rowsOf(id)).find((r) => r.active === 1);
      return row && toPackage(row);
    },
    async versions(id) {
      return (await rowsOf(id))
        .sort((a, b) => compareSemver(a.version, b.version))
        .map((r) => ({ version: r.version, active: r.active === 1, installedAt: r.installedAt }));
    },
    async uninstall(id) {
      await db.plugins.where('id').equals(id).delete();
    },
  };
}
