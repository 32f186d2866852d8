// Stages traced in a worker that has no exporter of its own (perception in the inference worker): each stage
// gets W3C ids here, so what it publishes carries its span at once, and its record goes to the page when it
// ends, where StageTracer.record makes the span under the same ids.
import type { TraceContext } from '../events/event';
import type { BeginOptions, OpenStage, StageBeginner, StageRecord } from './stage-tracer';
import { isW3cTraceContext } from './trace-context';
import type { Stage } from './stage-metrics';
import { epochNow } from '../platform/clock';

function randomHex(bytes: number): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  // All zeros is not a valid W3C id (one in 2^64 for a span id, but cheap to rule out).
  return /[^0]/.test(s) ? s : randomHex(bytes);
}

export function createStageRelay(
  send: (r: StageRecord) => void,
  now: () => number = epochNow,
): StageBeginner {
  return {
    begin(
      stage: Stage,
      name: string,
      parent: TraceContext | undefined,
      options: BeginOptions = {},
    ): OpenStage {
      const from = isW3cTraceContext(parent) ? parent : undefined;
      const own: TraceContext = from
        ? { traceId: from.traceId, spanId: randomHex(8), parentId: from.spanId }
        : { traceId: randomHex(16), spanId: randomHex(8) };
      const start = options.startTime ?? now();
      let ended = false;
      return {
        trace: own,
        end(error?: unknown) {
          if (ended) return;
          ended = true;
          send({
            stage,
            name,
            trace: own,
            start,
            end: Math.max(start, now()),
            ...(error !== undefined ? { error: error instanceof Error ? error.message : String(error) } : {}),
            ...(options.final ? { final: true } : {}),
            ...(options.attributes ? { attributes: options.attributes } : {}),
          });
        },
      };
    },
  };
}
