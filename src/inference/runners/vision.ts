// Vision runners: face detection (BlazeFace on onnxruntime), expression per face (tfjs), pose (MediaPipe).
import type { MediaPipeBackend, PoseDetector } from '../backends/mediapipe';
import type { OnnxBackend, OnnxSession } from '../backends/onnxruntime';
import type { BackendRegistry } from '../backends/registry';
import type { TfjsBackend, TfjsGraph } from '../backends/tfjs';
import { toDrawable } from '../image';
import type { Loaded } from '../session-cache';
import {
  BLAZEFACE_SIZE,
  blazeFaceAnchors,
  decodeBlazeFace,
  letterbox,
  rgbaToBlazeFaceInput,
} from '../tasks/blazeface';
import { EXPRESSION_SIZE, faceCrop, readExpression, rgbaToExpressionInput } from '../tasks/expression';
import type { InferOptions, TaskOutputs, Timings } from '../types';
import { ms, type Runner, type RunnerContext } from './context';

export interface VisionRegistries {
  onnx: BackendRegistry<OnnxBackend>;
  tfjs: BackendRegistry<TfjsBackend>;
  mediapipe: BackendRegistry<MediaPipeBackend>;
}

export function createVisionRunners(
  ctx: RunnerContext,
  r: VisionRegistries,
): {
  'face-detection': Runner<'face-detection'>;
  'facial-expression': Runner<'facial-expression'>;
  pose: Runner<'pose'>;
} {
  const anchors = blazeFaceAnchors();

  function faceSession(opts: InferOptions) {
    const c = ctx.candidatesFor('face-detection', opts);
    return ctx.sessions.session<OnnxBackend, OnnxSession>('face-detection', r.onnx, c, async (b, entry) => {
      const m = await ctx.store.loadModel(entry);
      const session = await b.createSession(m.files.get('model.onnx')!);
      // Warm-up: the first run allocates and (on WebGPU) compiles shaders.
      await session.run({
        'input:0': {
          type: 'float32',
          data: new Float32Array(BLAZEFACE_SIZE * BLAZEFACE_SIZE * 3),
          dims: [1, BLAZEFACE_SIZE, BLAZEFACE_SIZE, 3],
        },
      });
      return { session, threads: b.threads, source: m.source, dispose: () => session.release() };
    });
  }

  async function detectFaces(input: unknown, opts: InferOptions, t: Timings) {
    const l = await faceSession(opts);
    const t0 = ctx.now();
    const d = await toDrawable(input, 'face-detection');
    try {
      const lb = letterbox(d.width, d.height);
      const rgba = ctx.pixels.read(d, BLAZEFACE_SIZE, BLAZEFACE_SIZE, {
        sx: 0,
        sy: 0,
        sw: d.width,
        sh: d.height,
        dx: lb.padX,
        dy: lb.padY,
        dw: d.width * lb.scale,
        dh: d.height * lb.scale,
      });
      const data = rgbaToBlazeFaceInput(rgba);
      const t1 = ctx.now();
      const out = await l.session.run({
        'input:0': { type: 'float32', data, dims: [1, BLAZEFACE_SIZE, BLAZEFACE_SIZE, 3] },
      });
      const t2 = ctx.now();
      const scores = concat(out['Identity:0']!.data, out['Identity_1:0']!.data);
      const boxes = concat(out['Identity_2:0']!.data, out['Identity_3:0']!.data);
      const faces = decodeBlazeFace(scores, boxes, anchors, lb, { minScore: opts.minScore ?? 0.6, iou: 0.3 });
      const t3 = ctx.now();
      t.preprocessMs += ms(t0, t1);
      t.modelMs += ms(t1, t2);
      t.decodeMs += ms(t2, t3);
      return { l, faces, drawable: d, width: d.width, height: d.height };
    } catch (err) {
      d.release();
      throw err;
    }
  }

  return {
    async 'face-detection'(input, opts, t) {
      const r = await detectFaces(input, opts, t);
      r.drawable.release();
      return { l: r.l, output: { faces: r.faces, width: r.width, height: r.height } };
    },

    async 'facial-expression'(input, opts, t) {
      const l = await ctx.sessions.session<TfjsBackend, TfjsGraph>(
        'facial-expression',
        r.tfjs,
        ctx.candidatesFor('facial-expression', opts),
        async (b, entry) => {
          const m = await ctx.store.loadModel(entry);
          const graph = await b.loadGraph(m.files.get('model.json')!, m.files);
          await graph.run(new Float32Array(EXPRESSION_SIZE * EXPRESSION_SIZE), [
            1,
            EXPRESSION_SIZE,
            EXPRESSION_SIZE,
            1,
          ]);
          return { session: graph, threads: null, source: m.source, dispose: () => graph.dispose() };
        },
      );
      let detection: TaskOutputs['facial-expression']['detection'] = null;
      let boxes = opts.faces;
      let d;
      if (boxes) d = await toDrawable(input, 'facial-expression');
      else {
        const t0 = ctx.now();
        const r = await detectFaces(input, { ...opts, backends: undefined }, t);
        detection = {
          backend: r.l.backend,
          model: r.l.model,
          faces: r.faces,
          width: r.width,
          height: r.height,
          ms: ms(t0, ctx.now()),
        };
        boxes = r.faces.map((f) => f.box);
        d = r.drawable;
      }
      try {
        const faces = [];
        for (const box of boxes) {
          const t0 = ctx.now();
          const c = faceCrop(box);
          const rgba = ctx.pixels.read(d, EXPRESSION_SIZE, EXPRESSION_SIZE, {
            sx: c.x,
            sy: c.y,
            sw: c.size,
            sh: c.size,
            dx: 0,
            dy: 0,
            dw: EXPRESSION_SIZE,
            dh: EXPRESSION_SIZE,
          });
          const x = rgbaToExpressionInput(rgba);
          const t1 = ctx.now();
          const probs = await l.session.run(x, [1, EXPRESSION_SIZE, EXPRESSION_SIZE, 1]);
          const t2 = ctx.now();
          faces.push({ ...readExpression(probs), box });
          t.preprocessMs += ms(t0, t1);
          t.modelMs += ms(t1, t2);
          t.decodeMs += ms(t2, ctx.now());
        }
        return { l: l as Loaded<unknown>, output: { faces, detection } };
      } finally {
        d.release();
      }
    },

    async pose(input, opts, t) {
      const l = await ctx.sessions.session<MediaPipeBackend, PoseDetector>(
        'pose',
        r.mediapipe,
        ctx.candidatesFor('pose', opts),
        async (b, entry) => {
          const m = await ctx.store.loadModel(entry);
          const file = entry.files[0]!.path;
          const det = await b.loadPose(m.files.get(file)!);
          // Warm-up: the first detect compiles MediaPipe's GL graph.
          const canvas = new OffscreenCanvas(64, 64);
          canvas.getContext('2d')!.fillRect(0, 0, 64, 64);
          const blank = canvas.transferToImageBitmap();
          det.detect(blank);
          blank.close();
          return { session: det, threads: null, source: m.source, dispose: () => det.close() };
        },
      );
      const t0 = ctx.now();
      const d = await toDrawable(input, 'pose');
      try {
        const t1 = ctx.now();
        const r = l.session.detect(d.source);
        t.preprocessMs += ms(t0, t1);
        t.modelMs += ms(t1, ctx.now());
        return { l: l as Loaded<unknown>, output: { poses: r.landmarks, width: d.width, height: d.height } };
      } finally {
        d.release();
      }
    },
  };
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
