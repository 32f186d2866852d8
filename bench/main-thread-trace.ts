// Where a page's main-thread time goes, by kind of work: a Chromium trace (CDP Tracing, the categories the
// DevTools Performance panel records) over a window, reduced to self time per event name on the busiest
// renderer main thread. CDP's Performance.getMetrics splits only script, style and layout out of TaskDuration;
// this names the rest (paint, compositing commits, media, GC, message dispatch…).
import type { CDPSession } from '@playwright/test';

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'blink',
  'cc',
  'gpu',
  'media',
  'toplevel',
  'disabled-by-default-devtools.timeline.invalidationTracking',
];

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

/** Records a trace while `during` runs; returns its events. */
export async function traceWhile(cdp: CDPSession, during: () => Promise<void>): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  // CDP types trace events as string maps; they are JSON objects of this shape.
  const onData = (e: { value: object[] }) => void events.push(...(e.value as TraceEvent[]));
  cdp.on('Tracing.dataCollected', onData);
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordContinuously' },
  });
  try {
    await during();
  } finally {
    const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await done;
    cdp.off('Tracing.dataCollected', onData);
  }
  return events;
}

export interface WorkKind {
  name: string;
  /** Self time (the event's duration less that of events nested in it), ms per second of the window. */
  msPerS: number;
}

/**
 * Self time per event name on the renderer main thread (CrRendererMain) that was busiest in the trace, the
 * `top` largest, per second of `windowMs`. Only complete ('X') events are counted: the timeline categories
 * record their work that way; nesting is by time on the one thread.
 */
export function mainThreadWork(events: readonly TraceEvent[], windowMs: number, top = 12): WorkKind[] {
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || e.dur === undefined || !mains.has(key)) continue;
    let list = byThread.get(key);
    if (!list) byThread.set(key, (list = []));
    list.push(e);
  }
  let best: Map<string, number> | undefined;
  let bestTotal = -1;
  for (const list of byThread.values()) {
    // Parents before children: by start, and the longer first at the same start.
    list.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const self = new Map<string, number>();
    const stack: { end: number; name: string }[] = [];
    let total = 0;
    for (const e of list) {
      while (stack.length && stack[stack.length - 1]!.end <= e.ts) stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur!);
      else total += e.dur!;
      self.set(e.name, (self.get(e.name) ?? 0) + e.dur!);
      stack.push({ end: e.ts + e.dur!, name: e.name });
    }
    if (total > bestTotal) {
      bestTotal = total;
      best = self;
    }
  }
  if (!best) return [];
  const perS = 1000 / windowMs;
  return [...best]
    .map(([name, us]) => ({ name, msPerS: (us / 1000) * perS }))
    .sort((a, b) => b.msPerS - a.msPerS)
    .slice(0, top);
}

/** Paint time per painted node (the Paint events' backend node ids) on any renderer main thread, ms per s. */
export function paintByNode(events: readonly TraceEvent[], windowMs: number, top = 8): Map<number, number> {
  const byNode = new Map<number, number>();
  for (const e of events) {
    if (e.name !== 'Paint' || e.ph !== 'X' || e.dur === undefined) continue;
    const node = (e.args as { data?: { nodeId?: number } } | undefined)?.data?.nodeId;
    if (node === undefined) continue;
    byNode.set(node, (byNode.get(node) ?? 0) + e.dur / 1000);
  }
  const perS = 1000 / windowMs;
  return new Map(
    [...byNode]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([n, ms]) => [n, ms * perS]),
  );
}

/** A painted node as a selector-like name (`div#id.class[data-testid=…]`), through CDP DOM.describeNode. */
export async function describeNode(cdp: CDPSession, backendNodeId: number): Promise<string> {
  try {
    const { node } = await cdp.send('DOM.describeNode', { backendNodeId });
    const attrs = new Map<string, string>();
    for (let i = 0; i + 1 < (node.attributes ?? []).length; i += 2)
      attrs.set(node.attributes![i]!, node.attributes![i + 1]!);
    const id = attrs.get('id');
    const cls = attrs.get('class')?.split(/\s+/).filter(Boolean).slice(0, 2);
    const testId = attrs.get('data-testid');
    return `${node.nodeName.toLowerCase()}${id ? `#${id}` : ''}${cls?.length ? `.${cls.join('.')}` : ''}${testId ? `[data-testid=${testId}]` : ''}`;
  } catch (err) {
    return `node ${backendNodeId} (${(err as Error).message})`;
  }
}

/** Paint invalidations per second by the invalidated node's name and the reason Blink gives. */
export function invalidations(events: readonly TraceEvent[], windowMs: number, top = 15): [string, number][] {
  const counts = new Map<string, number>();
  for (const e of events) {
    if (e.name !== 'PaintInvalidationTracking' && e.name !== 'StyleRecalcInvalidationTracking') continue;
    const d = (e.args as { data?: { nodeName?: string; reason?: string } } | undefined)?.data;
    const key = `${e.name === 'PaintInvalidationTracking' ? 'paint' : 'style'}: ${d?.nodeName ?? '?'} (${d?.reason ?? '?'})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .map(([k, n]): [string, number] => [k, (n * 1000) / windowMs])
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
}

export interface HotFunction {
  /** `name (file:line)` of the function. */
  where: string;
  /** Self time, ms per second of the window. */
  msPerS: number;
}

/**
 * The page's JavaScript by function while `during` runs: a CDP CPU profile (sampling), reduced to self time
 * per function, the `top` largest. Idle and program/GC samples are left out (they are not functions).
 */
export async function hotFunctions(
  cdp: CDPSession,
  windowMs: number,
  during: () => Promise<void>,
  top = 15,
): Promise<HotFunction[]> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  try {
    await during();
  } catch (err) {
    await cdp.send('Profiler.stop');
    throw err;
  }
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.send('Profiler.disable');
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // A sample's time is the gap to the next one.
  for (let i = 0; i < samples.length - 1; i++) {
    const node = byId.get(samples[i]!);
    if (!node) continue;
    const f = node.callFrame;
    if (['(idle)', '(program)', '(garbage collector)', '(root)'].includes(f.functionName)) continue;
    const file = f.url.split('/').pop() || f.url || 'native';
    const where = `${f.functionName || '(anonymous)'} (${file}:${f.lineNumber + 1})`;
    self.set(where, (self.get(where) ?? 0) + deltas[i + 1]! / 1000);
  }
  const perS = 1000 / windowMs;
  return [...self]
    .map(([where, ms]) => ({ where, msPerS: ms * perS }))
    .sort((a, b) => b.msPerS - a.msPerS)
    .slice(0, top);
}
