// Camera frames → faces → expression per face, and camera frames → pose → gestures. Frames are realtime:
// while one is being processed only the newest waiting frame is kept (the worker's queue does the same),
// so latency stays bounded when the model is slower than the camera. Events inherit the frame's privacy.
import type { PublishOptions } from '../../bus/types';
import { systemClock } from '../../platform/clock';
import { releaseFrame } from '../../platform/release-frame';
import { GestureTracker, type Gesture } from '../tasks/gestures';
import type { ImageInput } from '../image';
import type { Box, InferResult } from '../types';
import { createErrorEvents } from './error-events';
import { PIPELINE_OF, produced } from './events';
import type { InputMeta, PipelineOptions, PipelineStats } from './types';

export interface FramePipeline {
  /** Offers a frame; resolves when it has been processed or replaced. The caller keeps ownership of it. */
  push(frame: ImageInput, meta?: InputMeta): Promise<void>;
  stats(): PipelineStats;
  close(): void;
}

interface Slot {
  frame: ImageInput;
  meta: InputMeta;
  n: number;
  done: () => void;
}

/** Latest-wins scheduling shared by the camera pipelines. */
function latestWins(
  task: 'face-detection' | 'facial-expression' | 'pose',
  process: (frame: ImageInput, n: number, opts: PublishOptions, transfer: boolean) => Promise<void>,
  o: PipelineOptions,
): FramePipeline {
  const clock = o.clock ?? systemClock;
  const s: PipelineStats = { received: 0, processed: 0, superseded: 0, failed: 0 };
  const name = PIPELINE_OF[task];
  const errors = createErrorEvents(o.bus, name);
  let waiting: Slot | null = null;
  let busy = false;
  let closed = false;
  let frames = 0;

  const pump = async () => {
    if (busy || !waiting || closed) return;
    const slot = waiting;
    waiting = null;
    busy = true;
    const stage = o.tracer?.begin('inference', name, slot.meta.trace);
    try {
      await process(
        slot.frame,
        slot.n,
        {
          ts: slot.meta.ts ?? clock.now(),
          privacy: slot.meta.privacy ?? 'local',
          qos: 'realtime',
          ...(stage ? { trace: stage.trace } : {}),
        },
        slot.meta.transfer === true,
      );
      stage?.end();
      s.processed++;
      errors.succeeded(task);
    } catch (err) {
      stage?.end(err);
      s.failed++;
      errors.failed(task, err instanceof Error ? err : new Error(String(err)), slot.meta.privacy ?? 'local');
    } finally {
      busy = false;
      slot.done();
      void pump();
    }
  };

  return {
    push(frame, meta = {}) {
      if (closed) return Promise.reject(new Error(`the ${name} pipeline is closed`));
      s.received++;
      return new Promise<void>((done) => {
        if (waiting) {
          s.superseded++;
          if (waiting.meta.transfer) releaseFrame(waiting.frame);
          waiting.done();
        }
        waiting = { frame, meta, n: frames++, done };
        void pump();
      });
    },
    stats: () => ({ ...s }),
    close() {
      closed = true;
      if (waiting?.meta.transfer) releaseFrame(waiting.frame);
      waiting?.done();
      waiting = null;
    },
  };
}

export interface FacePipelineOptions extends PipelineOptions {
  /** Also classify each face's expression (default true). */
  expression?: boolean;
  /**
   * Find faces and read expressions in two requests: `vision.face` is published as soon as the faces are
   * found, and expressions follow at their own pace (latest wins) — for callers that route
   * 'facial-expression' to another worker. Measured in the app under load: the expression model took
   * 0.4–1.9 s per frame, and with one request per frame every face result (so "No face in view") waited for
   * it, 1–3 s behind the camera, while the detection itself took 10–130 ms.
   */
  separateExpression?: boolean;
}

/** `vision.face.expression` for the faces of frame `frame` (nothing when none was found), as both face pipelines say it. */
function publishExpressions(
  o: FacePipelineOptions,
  frame: number,
  r: InferResult<'facial-expression'>,
  opts: PublishOptions,
): void {
  if (r.output.faces.length === 0) return;
  o.bus.publish(
    'vision.face.expression',
    {
      frame,
      faces: r.output.faces.map((f) => ({
        box: f.box,
        expression: f.expression,
        score: f.score,
        scores: f.scores,
      })),
      ...produced(r),
    },
    { ...opts, confidence: Math.min(...r.output.faces.map((f) => f.score)) },
  );
}

export function createFacePipeline(o: FacePipelineOptions): FramePipeline {
  return o.separateExpression && o.expression !== false ? detectThenRead(o) : oneRequestPerFrame(o);
}

/** Expressions of the faces found in a frame: boxes found by the detection stage, keyed by the frame itself. */
type Found = { frame: number; boxes: Box[] };

function detectThenRead(o: FacePipelineOptions): FramePipeline {
  const found = new WeakMap<object, Found>();
  const expressions = latestWins(
    'facial-expression',
    async (frame, _n, opts, transfer) => {
      const f = found.get(frame as object)!;
      const r = await o.infer('facial-expression', frame, { realtime: true, transfer, faces: f.boxes });
      publishExpressions(o, f.frame, r, opts);
    },
    o,
  );
  const faces = latestWins(
    'face-detection',
    async (frame, n, opts, transfer) => {
      // Not transferred: the expression stage may still need this frame.
      let handedOver = false;
      try {
        const r = await o.infer('face-detection', frame, { realtime: true, transfer: false });
        const { faces: seen, width, height } = r.output;
        o.bus.publish('vision.face', { frame: n, width, height, faces: seen, ...produced(r) }, opts);
        if (seen.length === 0) return;
        found.set(frame as object, { frame: n, boxes: seen.map((f) => f.box) });
        handedOver = true;
        void expressions
          .push(frame, {
            ...(opts.ts !== undefined ? { ts: opts.ts } : {}),
            privacy: opts.privacy ?? 'local',
            transfer,
            ...(opts.trace ? { trace: opts.trace } : {}),
          })
          .catch(() => transfer && releaseFrame(frame));
      } finally {
        if (!handedOver && transfer) releaseFrame(frame);
      }
    },
    o,
  );
  return {
    push: (frame, meta) => faces.push(frame, meta),
    stats: () => faces.stats(),
    close() {
      faces.close();
      expressions.close();
    },
  };
}

function oneRequestPerFrame(o: FacePipelineOptions): FramePipeline {
  return latestWins(
    'face-detection',
    async (frame, n, opts, transfer) => {
      if (o.expression === false) {
        const r = await o.infer('face-detection', frame, { realtime: true, transfer });
        const { faces, width, height } = r.output;
        o.bus.publish('vision.face', { frame: n, width, height, faces, ...produced(r) }, opts);
        return;
      }
      // One request detects and classifies, so the frame crosses to the worker once.
      const r = await o.infer('facial-expression', frame, { realtime: true, transfer });
      const det = r.output.detection!;
      o.bus.publish(
        'vision.face',
        {
          frame: n,
          width: det.width,
          height: det.height,
          faces: det.faces,
          backend: det.backend,
          model: det.model,
          timings: r.timings,
        },
        opts,
      );
      publishExpressions(o, n, r, opts);
    },
    o,
  );
}

export function createPosePipeline(o: PipelineOptions): FramePipeline {
  const tracker = new GestureTracker();
  let active = new Set<string>();
  return latestWins(
    'pose',
    async (frame, n, opts, transfer) => {
      const r = await o.infer('pose', frame, { realtime: true, transfer });
      o.bus.publish(
        'vision.pose',
        { frame: n, width: r.output.width, height: r.output.height, poses: r.output.poses, ...produced(r) },
        opts,
      );
      const gestures: Gesture[] = r.output.poses[0] ? tracker.push(r.output.poses[0], opts.ts!) : [];
      // Gestures are published when they begin, not on every frame they last.
      const now = new Set(gestures.map((g) => `${g.gesture}:${g.side}`));
      for (const g of gestures)
        if (!active.has(`${g.gesture}:${g.side}`)) o.bus.publish('vision.gesture', { frame: n, ...g }, opts);
      active = now;
    },
    o,
  );
}
