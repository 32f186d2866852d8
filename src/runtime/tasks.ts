// Task names the front door's `infer` accepts: the engine's own and Hugging Face pipeline names for them.
import { TASKS, type Task } from '../inference/manifest';
import { UnknownTaskError } from './errors';

/** Hugging Face pipeline task names accepted by `infer`, and what each runs. */
export const TASK_ALIASES = {
  'automatic-speech-recognition': 'speech-recognition',
  'feature-extraction': 'text-embedding',
  'object-detection': 'face-detection',
  'image-classification': 'facial-expression',
} as const;

/** The tasks `infer` runs: the inference engine's, plus text embeddings (USE-lite, on this thread). */
export type SentioTask = Task | 'text-embedding';
/** A task name `infer` accepts: a {@link SentioTask} or one of {@link TASK_ALIASES}. */
export type TaskName = SentioTask | keyof typeof TASK_ALIASES;

const KNOWN: readonly string[] = [...TASKS, 'text-embedding'];

/** The task a name stands for; throws {@link UnknownTaskError} naming the ones accepted. */
export function resolveTask(name: string): SentioTask {
  if (KNOWN.includes(name)) return name as SentioTask;
  const alias = (TASK_ALIASES as Record<string, SentioTask>)[name];
  if (alias) return alias;
  throw new UnknownTaskError(
    `unknown task "${name}": use one of ${[...KNOWN, ...Object.keys(TASK_ALIASES)].join(', ')}`,
  );
}
