// Starting an immersive WebXR session in the browser: ask for it (from a user gesture), give it a WebGL layer
// (an XR session delivers no frames without one), pick a reference space, then hand it to the bus hook.
import type { Bus } from '../bus/types';
import {
  runXrSession,
  type XrSessionHandle,
  type XrSessionLike,
  type XrSpaceLike,
  type XrSystemLike,
} from './xr';
import type { XrMode } from './xr-events';

interface BrowserXrSession extends XrSessionLike {
  updateRenderState(state: { baseLayer: unknown }): Promise<void> | void;
  requestReferenceSpace(type: string): Promise<XrSpaceLike>;
}

interface XrWebGlLayer {
  framebuffer: WebGLFramebuffer | null;
}

type XrWebGlLayerCtor = new (
  session: unknown,
  gl: WebGLRenderingContext | WebGL2RenderingContext,
) => XrWebGlLayer;

/** The reference spaces to try, best first: standing-height origin, then the head's starting point. */
const SPACES = ['local-floor', 'local'] as const;

export class XrStartError extends Error {
  override name = 'XrStartError';
}

/**
 * Must be called from a user gesture (a click): browsers refuse immersive sessions otherwise. The session
 * shows a plain background — in AR the passthrough camera, in VR a dark room — while its poses and input
 * feed the bus.
 */
export async function startImmersiveSession(
  xr: XrSystemLike,
  mode: XrMode,
  bus: Bus,
  options: { maxHz?: number } = {},
): Promise<XrSessionHandle> {
  const session = (await xr.requestSession(mode, {
    optionalFeatures: ['local-floor', 'hand-tracking'],
  })) as BrowserXrSession;
  try {
    const canvas = document.createElement('canvas');
    const attrs = { xrCompatible: true, alpha: mode === 'immersive-ar', antialias: false };
    // The options bag carries xrCompatible, which the DOM lib's WebGL overloads do not know.
    const gl = (canvas.getContext('webgl2', attrs) ?? canvas.getContext('webgl', attrs)) as
      WebGL2RenderingContext | WebGLRenderingContext | null;
    if (!gl) throw new XrStartError('WebGL is unavailable, and an XR session needs it to show anything');
    const Layer = (globalThis as { XRWebGLLayer?: XrWebGlLayerCtor }).XRWebGLLayer;
    if (!Layer) throw new XrStartError('this browser has sessions but no XRWebGLLayer');
    const layer = new Layer(session, gl);
    await session.updateRenderState({ baseLayer: layer });
    let space: XrSpaceLike | null = null;
    let spaceName = '';
    for (const type of SPACES) {
      try {
        space = await session.requestReferenceSpace(type);
        spaceName = type;
        break;
      } catch {
        // not offered by this device: try the next
      }
    }
    if (!space) throw new XrStartError(`the device offers none of the reference spaces ${SPACES.join(', ')}`);
    const [r, g, b, a] = mode === 'immersive-ar' ? [0, 0, 0, 0] : [0.08, 0.13, 0.24, 1];
    return runXrSession(session, {
      bus,
      mode,
      space,
      spaceName,
      ...(options.maxHz ? { maxHz: options.maxHz } : {}),
      onFrame: () => {
        gl.bindFramebuffer(gl.FRAMEBUFFER, layer.framebuffer);
        gl.clearColor(r, g, b, a);
        gl.clear(gl.COLOR_BUFFER_BIT);
      },
    });
  } catch (err) {
    await session.end().catch(() => undefined);
    throw err;
  }
}
