// TensorFlow.js on its pure-JS CPU backend, for the 7-class expression model that ships as a tfjs graph
// model. Chosen over converting it to ONNX at install time: the net is tiny (64×64 grey input, ~1 ms), the
// CPU backend needs no WASM or GPU files to serve, and running the published graph as-is leaves no
// converter of ours to keep correct. The weights still come through the model store (checksummed, cached).
import type { Tensor } from '@tensorflow/tfjs-core';
import type { BackendInit } from './registry';

export interface TfjsGraph {
  /** Runs the graph on one NHWC float32 input and returns the first output's values. */
  run(data: Float32Array, shape: readonly number[]): Promise<Float32Array>;
  dispose(): void;
}

export interface TfjsBackend {
  readonly id: 'tfjs-cpu';
  loadGraph(modelJson: ArrayBuffer, weights: ReadonlyMap<string, ArrayBuffer>): Promise<TfjsGraph>;
}

interface GraphModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: unknown[] }[];
}

export function tfjsCpuBackend(): BackendInit<TfjsBackend> {
  return {
    async init() {
      const tf = await import('@tensorflow/tfjs-core');
      await import('@tensorflow/tfjs-backend-cpu');
      const converter = await import('@tensorflow/tfjs-converter');
      if (!(await tf.setBackend('cpu'))) throw new Error('tfjs refused the cpu backend');
      await tf.ready();
      return {
        id: 'tfjs-cpu',
        async loadGraph(modelJson, weights) {
          const json = JSON.parse(new TextDecoder().decode(modelJson)) as GraphModelJson;
          const paths = json.weightsManifest.flatMap((g) => g.paths);
          const parts = paths.map((p) => {
            const w = weights.get(p);
            if (!w) throw new Error(`weights file "${p}" named by model.json was not loaded`);
            return new Uint8Array(w);
          });
          const total = parts.reduce((n, p) => n + p.byteLength, 0);
          const weightData = new Uint8Array(total);
          let at = 0;
          for (const p of parts) {
            weightData.set(p, at);
            at += p.byteLength;
          }
          const model = await converter.loadGraphModel(
            tf.io.fromMemory({
              modelTopology: json.modelTopology,
              weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as never,
              weightData: weightData.buffer,
            }),
          );
          return {
            async run(data, shape) {
              const input = tf.tensor(data, [...shape], 'float32');
              const out = model.execute(input) as Tensor;
              const values = (await out.data()) as Float32Array;
              input.dispose();
              out.dispose();
              return values;
            },
            dispose: () => model.dispose(),
          };
        },
      };
    },
  };
}
