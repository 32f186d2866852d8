// `window.sentio`: the direct API for scripting and tests. The inference worker starts on first use, so a
// page that never infers never loads a model; likewise the bridge worker starts at the first `connect`.
import { createBridgeApi, type BridgeApi } from '../bridge/client';
import type { HubConnection } from '../bus/open-bus';
import { startInferenceWorker, type InferenceClient } from '../inference/client';

export interface SentioGlobal {
  infer: InferenceClient['infer'];
  /** The inference client itself: progress, stats, user-supplied models, release. */
  inference(): InferenceClient;
  /** The bus shared with other devices over NATS (installed once the hub runs). */
  bridge: BridgeApi;
}

export function installSentioGlobal(target: { sentio?: Partial<SentioGlobal> }): void {
  let client: InferenceClient | null = null;
  const inference = () => (client ??= startInferenceWorker());
  target.sentio = Object.assign(target.sentio ?? {}, {
    infer: ((task, input, options) => inference().infer(task, input, options)) as InferenceClient['infer'],
    inference,
  });
}

/** Adds `sentio.bridge` on top of the app's hub (a later `createSentio` front door owns the same module). */
export function installBridgeGlobal(
  target: { sentio?: Partial<SentioGlobal> },
  hub: HubConnection,
): BridgeApi {
  const bridge = createBridgeApi(hub);
  target.sentio = Object.assign(target.sentio ?? {}, { bridge });
  return bridge;
}
