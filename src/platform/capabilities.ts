// What this browser context can do, probed once. Backends and the app read this frozen object instead of
// feature-testing ad hoc, so every decision that depends on the platform can name the fact it used.

export type WebGpuProbe =
  | {
      readonly available: true;
      readonly isFallbackAdapter: boolean;
      readonly vendor: string;
      readonly architecture: string;
    }
  | { readonly available: false; readonly reason: string };

export interface Capabilities {
  readonly crossOriginIsolated: boolean;
  readonly sharedArrayBuffer: boolean;
  readonly sharedWorker: boolean;
  readonly webLocks: boolean;
  readonly opfs: boolean;
  /** Logical cores the browser reports; WASM threads are only usable when cross-origin isolated. */
  readonly hardwareConcurrency: number;
  readonly wasmThreads: boolean;
  readonly webgpu: WebGpuProbe;
  readonly mediaDevices: boolean;
  readonly audioWorklet: boolean;
  readonly mediaStreamTrackProcessor: boolean;
}

/** The slice of WebGPU we touch; declared here because the DOM lib in our TypeScript lacks it. */
interface GpuLike {
  requestAdapter(): Promise<{
    info?: { vendor?: string; architecture?: string; isFallbackAdapter?: boolean };
    isFallbackAdapter?: boolean;
  } | null>;
}

async function probeWebGpu(nav: Navigator): Promise<WebGpuProbe> {
  const gpu = (nav as { gpu?: GpuLike }).gpu;
  if (!gpu)
    return { available: false, reason: 'navigator.gpu is missing (WebGPU not supported or disabled)' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter)
      return { available: false, reason: 'requestAdapter() returned null (no usable GPU adapter)' };
    return {
      available: true,
      isFallbackAdapter: adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
      vendor: adapter.info?.vendor ?? '',
      architecture: adapter.info?.architecture ?? '',
    };
  } catch (err) {
    return { available: false, reason: `requestAdapter() failed: ${(err as Error).message}` };
  }
}

async function probeOpfs(nav: Navigator): Promise<boolean> {
  if (typeof nav.storage?.getDirectory !== 'function') return false;
  try {
    await nav.storage.getDirectory();
    return true;
  } catch {
    return false;
  }
}

export async function probeCapabilities(
  scope: typeof globalThis = globalThis,
): Promise<Readonly<Capabilities>> {
  const nav = scope.navigator;
  const isolated = scope.crossOriginIsolated === true;
  const sab = typeof scope.SharedArrayBuffer === 'function';
  const [webgpu, opfs] = await Promise.all([probeWebGpu(nav), probeOpfs(nav)]);
  return Object.freeze({
    crossOriginIsolated: isolated,
    sharedArrayBuffer: sab,
    sharedWorker: typeof (scope as { SharedWorker?: unknown }).SharedWorker === 'function',
    webLocks: typeof nav.locks?.request === 'function',
    opfs,
    hardwareConcurrency: nav.hardwareConcurrency ?? 1,
    wasmThreads: isolated && sab,
    webgpu,
    mediaDevices: typeof (nav as Navigator).mediaDevices?.getUserMedia === 'function',
    audioWorklet: typeof (scope as { AudioWorkletNode?: unknown }).AudioWorkletNode === 'function',
    mediaStreamTrackProcessor:
      typeof (scope as { MediaStreamTrackProcessor?: unknown }).MediaStreamTrackProcessor === 'function',
  });
}
