// MediaPipe Tasks Vision (pinned in package.json) with its WASM served from /runtime/mediapipe/. In a module
// worker tasks-vision would call importScripts (which module workers forbid) to load its loader, so we load
// the loader ourselves as an ES module from a Blob URL and hand tasks-vision the factory it expects on
// `self.ModuleFactory` (which it clears after each use). In a page or classic worker the same code works.
import { fetchSameOrigin } from '../../privacy/egress-gate';
import type { BackendInit } from './registry';

export interface PoseLandmark {
  x: number;
  y: number;
  z: number;
  visibility: number;
}

export interface PoseDetector {
  detect(image: ImageBitmap | VideoFrame | OffscreenCanvas): { landmarks: PoseLandmark[][] };
  close(): void;
}

export interface MediaPipeBackend {
  readonly id: 'mediapipe-cpu';
  loadPose(taskBytes: ArrayBuffer): Promise<PoseDetector>;
}

export function mediaPipeBackend(o: { wasmPath: string }): BackendInit<MediaPipeBackend> {
  return {
    async init() {
      const vision = await import('@mediapipe/tasks-vision');
      const loaderUrl = `${o.wasmPath}vision_wasm_internal.js`;
      const res = await fetchSameOrigin(loaderUrl, undefined, o.wasmPath);
      if (!res.ok) throw new Error(`MediaPipe loader ${loaderUrl}: HTTP ${res.status}`);
      const source = `${await res.text()}\nexport default ModuleFactory;`;
      const g = globalThis as { custom_dbg?: (...a: unknown[]) => void; ModuleFactory?: unknown };
      // The emscripten loader assigns this global, which strict module code would otherwise refuse.
      g.custom_dbg ??= () => {};
      const blobUrl = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      let factory: unknown;
      try {
        factory = ((await import(/* @vite-ignore */ blobUrl)) as { default: unknown }).default;
      } finally {
        URL.revokeObjectURL(blobUrl);
      }
      // No wasmLoaderPath: given one, tasks-vision would load it again with importScripts.
      const fileset = {
        wasmBinaryPath: `${o.wasmPath}vision_wasm_internal.wasm`,
      } as { wasmLoaderPath: string; wasmBinaryPath: string };
      return {
        id: 'mediapipe-cpu',
        async loadPose(taskBytes) {
          g.ModuleFactory = factory;
          const landmarker = await vision.PoseLandmarker.createFromOptions(fileset, {
            baseOptions: { modelAssetBuffer: new Uint8Array(taskBytes), delegate: 'CPU' },
            runningMode: 'IMAGE',
            numPoses: 1,
          });
          return {
            detect(image) {
              const r = landmarker.detect(image);
              return {
                landmarks: r.landmarks.map((pose) =>
                  pose.map((l) => ({ x: l.x, y: l.y, z: l.z, visibility: l.visibility ?? 0 })),
                ),
              };
            },
            close: () => landmarker.close(),
          };
        },
      };
    },
  };
}
