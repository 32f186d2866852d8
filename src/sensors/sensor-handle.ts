/** What every always-on signal source returns: a way to stop it. */
export interface SensorHandle {
  stop(): void;
}

/** The part of window / document a signal listens on; injected so tests can drive it. */
export type Listenable = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

export function listen(target: Listenable, types: readonly string[], fn: (e: Event) => void): () => void {
  for (const t of types) target.addEventListener(t, fn);
  return () => {
    for (const t of types) target.removeEventListener(t, fn);
  };
}
