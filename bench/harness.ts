// Page-side benchmark helpers. A bench page calls runBench(); the runner (bench/bench.spec.ts) waits for
// window.__sentioBench to be done and collects its results.

export type Target = { op: '>=' | '<='; ratio: number } | null;

export interface BenchResult {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  target: string;
  pass: boolean;
}

export interface BenchState {
  status: 'running' | 'done' | 'error';
  results: BenchResult[];
  error?: string;
  progress?: string;
}

declare global {
  interface Window {
    __sentioBench?: BenchState;
  }
}

export function describeTarget(t: Target): string {
  return t ? `${t.op === '>=' ? '≥' : '≤'} ${t.ratio}×` : 'report';
}

/** A measurement against a raw baseline taken in the same run. */
export function compare(
  bench: string,
  metric: string,
  value: number,
  baseline: number,
  unit: string,
  target: Target = null,
): BenchResult {
  const ratio = baseline === 0 ? NaN : value / baseline;
  const pass = !target || (target.op === '>=' ? ratio >= target.ratio : ratio <= target.ratio);
  return { bench, metric, value, unit, baseline, ratio, target: describeTarget(target), pass };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(xs: readonly number[]): number {
  return percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
}

export function runBench(body: (progress: (msg: string) => void) => Promise<BenchResult[]>): void {
  const state: BenchState = { status: 'running', results: [] };
  window.__sentioBench = state;
  const progress = (msg: string) => {
    state.progress = msg;
    const el = document.getElementById('progress');
    if (el) el.textContent = msg;
  };
  body(progress).then(
    (results) => {
      state.results = results;
      state.status = 'done';
    },
    (err: unknown) => {
      state.error = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
      state.status = 'error';
    },
  );
}
