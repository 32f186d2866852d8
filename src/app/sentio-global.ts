// `window.sentio`: the direct API for scripting and tests. The inference worker starts on first use, so a
// page that never infers never loads a model.
import { startInferenceWorker, type InferenceClient } from '../inference/client';

export interface SentioGlobal {
  infer: InferenceClient['infer'];
  /** The inference client itself: progress, stats, user-supplied models, release. */
  inference(): InferenceClient;
}

export function installSentioGlobal(target: { sentio?: Partial<SentioGlobal> }): void {
  let client: InferenceClient | null = null;
  const inference = () => (client ??= startInferenceWorker());
  target.sentio = Object.assign(target.sentio ?? {}, {
    infer: ((task, input, options) => inference().infer(task, input, options)) as InferenceClient['infer'],
    inference,
  });
}
