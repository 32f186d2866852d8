// The page perception-main-thread.ts drives from outside through CDP: a Sentio made through the front door
// (nothing else on the page draws or listens), and a raw camera loop as the baseline of what any page pays to
// have camera frames at all.
import { openRawCamera } from './raw-camera';
import { createSentio, type PerceptionHandle, type PerceptionStartOptions, type Sentio } from '../src/index';

export interface PerceptionHost {
  sentio: Sentio;
  /** Starts perception; `vision.face` latencies (capture → delivered here, ms) go to `faceLatencies`. */
  start(options: PerceptionStartOptions): void;
  stop(): void;
  handle: PerceptionHandle | null;
  faceLatencies: number[];
  /** Raw: getUserMedia → MediaStreamTrackProcessor, each frame read and closed, until stopRaw. */
  startRaw(): Promise<void>;
  stopRaw(): void;
  rawFrames: number;
}

declare global {
  interface Window {
    perceptionHost?: PerceptionHost;
  }
}

const progress = document.getElementById('progress')!;
void (async () => {
  const sentio = await createSentio({ name: 'bench' });
  let rawStop: (() => void) | null = null;
  const host: PerceptionHost = {
    sentio,
    handle: null,
    faceLatencies: [],
    rawFrames: 0,
    start(options) {
      host.faceLatencies = [];
      host.handle = sentio.perception.start(options);
      sentio.bus.subscribe('vision.face', (e) => {
        if (host.handle) host.faceLatencies.push(performance.timeOrigin + performance.now() - e.ts);
      });
    },
    stop() {
      host.handle?.stop();
      host.handle = null;
    },
    async startRaw() {
      const camera = await openRawCamera();
      const reader = camera.reader;
      let running = true;
      rawStop = () => {
        running = false;
        camera.close();
      };
      void (async () => {
        while (running) {
          const { value } = await reader.read();
          if (!value) return;
          value.close();
          host.rawFrames++;
        }
      })();
    },
    stopRaw() {
      rawStop?.();
      rawStop = null;
    },
  };
  window.perceptionHost = host;
  progress.textContent = 'ready';
})().catch((err: unknown) => {
  progress.textContent = `failed: ${String(err)}`;
});
