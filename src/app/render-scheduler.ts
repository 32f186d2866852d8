// When the dashboard's panels draw. A panel says "something changed" (invalidate) as often as it likes; the
// scheduler renders it at most once per animation frame (and no more often than its minimum interval: charts
// and counters need a few Hz, not 60), only while the panel is on screen (IntersectionObserver) and the tab is
// visible. A change that arrives while the panel is away is remembered and drawn once when it comes back. So
// the cost of a panel follows what a person can see, never the event rate.

export interface RenderOptions {
  /** The panel's name in `counts()`; its data-testid by default. */
  name?: string;
  /** At most one render per this many ms (0: once per animation frame). */
  minIntervalMs?: number;
}

export interface PanelRenderer {
  /** Something the panel shows changed: render it once, soon, if and when it is on screen. */
  invalidate(): void;
  /** Renders now if anything changed and the panel is on screen (for callers that must not wait a frame). */
  flush(): void;
  /** How many times the render function ran. */
  readonly renders: number;
  /** Whether the panel is on screen in a visible tab right now. */
  readonly shown: boolean;
  dispose(): void;
}

export interface RenderScheduler {
  register(element: Element, render: () => void, options?: RenderOptions): PanelRenderer;
  /** Renders so far, by panel name. */
  counts(): Record<string, number>;
}

interface Entry {
  name: string;
  render: () => void;
  minIntervalMs: number;
  intersecting: boolean;
  dirty: boolean;
  lastRender: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  renders: number;
}

export function createRenderScheduler(doc: Document = document): RenderScheduler {
  const entries = new Map<Element, Entry>();
  const queued = new Set<Entry>();
  let frame = 0;
  const tabVisible = () => doc.visibilityState !== 'hidden';
  const shown = (e: Entry) => e.intersecting && tabVisible();

  const runFrame = () => {
    frame = 0;
    const now = performance.now();
    const due = [...queued];
    queued.clear();
    for (const e of due) {
      if (!e.dirty || !shown(e)) continue;
      const wait = e.lastRender + e.minIntervalMs - now;
      if (wait > 0) {
        // Too soon after the last render: come back when the interval is up.
        e.timer ??= setTimeout(() => {
          e.timer = undefined;
          queue(e);
        }, wait);
        continue;
      }
      renderNow(e, now);
    }
  };

  function renderNow(e: Entry, now: number): void {
    e.dirty = false;
    e.lastRender = now;
    e.renders++;
    e.render();
  }

  function queue(e: Entry): void {
    if (!e.dirty || !shown(e) || e.timer) return;
    queued.add(e);
    frame ||= requestAnimationFrame(runFrame);
  }

  const observer = new IntersectionObserver((records) => {
    for (const r of records) {
      const e = entries.get(r.target);
      if (!e) continue;
      e.intersecting = r.isIntersecting;
      queue(e);
    }
  });
  doc.addEventListener('visibilitychange', () => {
    for (const e of entries.values()) queue(e);
  });

  return {
    register(element, render, options = {}) {
      const entry: Entry = {
        name: options.name ?? (element as HTMLElement).dataset?.testid ?? element.tagName.toLowerCase(),
        render,
        minIntervalMs: options.minIntervalMs ?? 0,
        intersecting: false,
        dirty: true,
        lastRender: -Infinity,
        timer: undefined,
        renders: 0,
      };
      entries.set(element, entry);
      observer.observe(element);
      return {
        invalidate() {
          entry.dirty = true;
          queue(entry);
        },
        flush() {
          if (entry.dirty && shown(entry)) renderNow(entry, performance.now());
        },
        get renders() {
          return entry.renders;
        },
        get shown() {
          return shown(entry);
        },
        dispose() {
          observer.unobserve(element);
          entries.delete(element);
          queued.delete(entry);
          clearTimeout(entry.timer);
        },
      };
    },
    counts() {
      const out: Record<string, number> = {};
      for (const e of entries.values()) out[e.name] = (out[e.name] ?? 0) + e.renders;
      return out;
    },
  };
}

let shared: RenderScheduler | undefined;

/** The page's one scheduler, made on first use (panels share one observer and one animation frame). */
export function sharedRenderScheduler(): RenderScheduler {
  return (shared ??= createRenderScheduler());
}
