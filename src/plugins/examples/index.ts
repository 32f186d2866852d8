// The example plugins shipped in the repository, as packages ready for the host or the store: manifests as
// signed by scripts/sign-plugins.mjs with the development key, entries as their exact bytes.
import type { PluginPackage } from '../plugin-host';
import frameMotionEntry from './frame-motion/entry.js?raw';
import frameMotionManifest from './frame-motion/manifest.json';
import httpGetEntry from './http-get/entry.js?raw';
import httpGetManifest from './http-get/manifest.json';
import notifyToastEntry from './notify-toast/entry.js?raw';
import notifyToastManifest from './notify-toast/manifest.json';

export type ExampleName = 'frame-motion' | 'http-get' | 'notify-toast';

const sources: Record<ExampleName, { manifest: unknown; entry: string }> = {
  'frame-motion': { manifest: frameMotionManifest, entry: frameMotionEntry },
  'http-get': { manifest: httpGetManifest, entry: httpGetEntry },
  'notify-toast': { manifest: notifyToastManifest, entry: notifyToastEntry },
};

export function examplePlugin(name: ExampleName): PluginPackage {
  const { manifest, entry } = sources[name];
  return { manifest: structuredClone(manifest), entry: new TextEncoder().encode(entry) };
}

export const EXAMPLE_NAMES = Object.keys(sources) as ExampleName[];
