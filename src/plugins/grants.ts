// From what a manifest asks for to what the sandbox gets. The user (or the app on its behalf) may grant less
// than the manifest asks, never more; topics that carry raw sensor data need the matching capability.
import { CapabilityError } from './errors';
import type { ActuatorName, PluginManifest } from './manifest';
import { patternCovers, patternsOverlap } from './patterns';
import type { GrantedCapabilities } from './protocol';

/** Topics whose events come straight from a sensor: subscribing needs the capability of that sensor. */
export interface SensitiveTopics {
  camera: readonly string[];
  microphone: readonly string[];
}

export const DEFAULT_SENSITIVE_TOPICS: Readonly<SensitiveTopics> = Object.freeze({
  camera: ['camera.>'],
  microphone: ['microphone.>', 'audio.>'],
});

export type GrantRequest = Partial<GrantedCapabilities>;

/**
 * Resolves the grants of a plugin: by default everything its manifest asks for; with `granted`, exactly that,
 * after checking it is within the manifest. Throws CapabilityError naming the capability otherwise.
 */
export function resolveGrants(
  manifest: PluginManifest,
  granted: GrantRequest = {},
  sensitive: SensitiveTopics = DEFAULT_SENSITIVE_TOPICS,
): GrantedCapabilities {
  const caps = manifest.capabilities;
  const refuse = (capability: string, detail: string): never => {
    throw new CapabilityError(manifest.id, capability, detail);
  };
  const within = (kind: 'subscribe' | 'publish', list: string[] | undefined): string[] => {
    if (!list) return [...caps[kind]];
    for (const p of list) {
      if (!caps[kind].some((asked) => patternCovers(asked, p)))
        refuse(
          kind,
          `"${p}" is not within what the manifest asks for (${caps[kind].join(', ') || 'nothing'})`,
        );
    }
    return [...list];
  };
  const subscribe = within('subscribe', granted.subscribe);
  const publish = within('publish', granted.publish);
  for (const p of subscribe) {
    for (const sensor of ['camera', 'microphone'] as const) {
      const hit = sensitive[sensor].find((s) => patternsOverlap(s, p));
      if (hit && !caps[sensor])
        refuse(
          sensor,
          `subscribing to "${p}" reaches ${sensor} topics (${hit}) but the manifest does not ask for ${sensor}`,
        );
    }
  }
  const network = granted.network ?? [...caps.network];
  for (const o of network)
    if (!caps.network.includes(o)) refuse('network', `"${o}" is not an origin the manifest asks for`);
  const actuators: ActuatorName[] = granted.actuators ?? [...caps.actuators];
  for (const a of actuators)
    if (!caps.actuators.includes(a)) refuse('actuators', `"${a}" is not asked for by the manifest`);
  const storageBytes = granted.storageBytes ?? caps.storageBytes;
  if (storageBytes > caps.storageBytes || storageBytes < 0)
    refuse('storageBytes', `${storageBytes} is outside 0…${caps.storageBytes}`);
  return { subscribe, publish, network, actuators, storageBytes };
}
