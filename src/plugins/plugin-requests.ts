// A plugin's requests for what it was granted beyond the bus: acting through a host actuator and keeping
// data in host storage. Refused by name when not granted; answers to a sandbox that has since been torn
// down are dropped.
import type { PluginManifest, ActuatorName } from './manifest';
import type { GrantedCapabilities, HostToPlugin, RefusalKind } from './protocol';
import type { RunnerDeps } from './runner-deps';
import { toErrorData } from '../platform/error-data';

export interface RequestContext {
  manifest: PluginManifest;
  grants: GrantedCapabilities;
  deps: Pick<RunnerDeps, 'actuators' | 'storage'>;
  /** Whether the sandbox that asked is still the plugin's current one. */
  current(): boolean;
  post(m: HostToPlugin): void;
  refuse(what: RefusalKind, reason: string, requestId?: number): void;
}

export async function act(c: RequestContext, requestId: number, name: string, args: unknown): Promise<void> {
  const granted = (c.grants.actuators as string[]).includes(name);
  const actuator = granted ? c.deps.actuators[name as ActuatorName] : undefined;
  if (!actuator) {
    return c.refuse(
      'actuator',
      granted ? `this host has no "${name}" actuator` : `actuator "${name}" was not granted`,
      requestId,
    );
  }
  try {
    await actuator(args, { id: c.manifest.id, version: c.manifest.version });
    if (c.current()) c.post({ type: 'acted', requestId, ok: true });
  } catch (e) {
    if (c.current()) c.post({ type: 'acted', requestId, ok: false, error: toErrorData(e) });
  }
}

export async function store(
  c: RequestContext,
  requestId: number,
  op: 'get' | 'set' | 'delete',
  key: string,
  value: unknown,
): Promise<void> {
  const storage = c.deps.storage;
  if (!storage || c.grants.storageBytes === 0) {
    return c.refuse(
      'storage',
      storage ? 'storage was not granted' : 'this host offers no storage',
      requestId,
    );
  }
  const id = c.manifest.id;
  try {
    if (op === 'get') {
      const v = await storage.get(id, key);
      if (c.current()) c.post({ type: 'stored', requestId, value: v });
      return;
    }
    if (op === 'set') await storage.set(id, key, value, c.grants.storageBytes);
    else await storage.delete(id, key);
    if (c.current()) c.post({ type: 'stored', requestId });
  } catch (e) {
    if (c.current()) c.refuse('storage', (e as Error).message, requestId);
  }
}
