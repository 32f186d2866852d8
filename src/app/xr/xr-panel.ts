// The XR card: "Enter VR" / "Enter AR" where the browser and a device offer immersive sessions, otherwise the
// reason why not (and no button). While a session runs its poses and input are on the bus (src/sensors/xr.ts).
import {
  type Bus,
  probeXr,
  type XrSystemLike,
  type XrMode,
  startImmersiveSession,
  type XrSessionHandle,
} from '../../index';
import { el, section } from '../dom';

const LABELS: Record<XrMode, string> = { 'immersive-vr': 'Enter VR', 'immersive-ar': 'Enter AR' };

export function createXrPanel(
  bus: Bus,
  xr = (navigator as Navigator & { xr?: XrSystemLike }).xr,
): HTMLElement {
  const status = el('p', { className: 'xr-status', testId: 'xr-status', text: 'Checking for WebXR…' });
  const buttons = el('div', { className: 'toolbar', testId: 'xr-buttons' });
  const exit = el('button', { text: 'Exit XR', testId: 'xr-exit', attrs: { type: 'button' } });
  exit.hidden = true;
  let running: XrSessionHandle | null = null;

  function enter(mode: XrMode): void {
    // Called straight from the click: the session request needs the user's gesture.
    startImmersiveSession(xr!, mode, bus).then(
      (handle) => {
        running = handle;
        buttons.hidden = true;
        exit.hidden = false;
        status.textContent = `In ${mode}: head pose and input are on the bus (xr.pose, xr.input.*).`;
        status.className = 'xr-status ok';
        void handle.ended.then(() => {
          running = null;
          buttons.hidden = false;
          exit.hidden = true;
          status.textContent = 'The XR session ended.';
          status.className = 'xr-status';
        });
      },
      (err: Error) => {
        status.textContent = `Could not start ${mode}: ${err.message}`;
        status.className = 'xr-status missing';
      },
    );
  }
  exit.addEventListener('click', () => void running?.stop());

  void probeXr(xr, isSecureContext).then((support) => {
    if (support.reason) {
      buttons.hidden = true;
      status.textContent = `XR unavailable: ${support.reason}.`;
      status.className = 'xr-status missing';
      return;
    }
    buttons.replaceChildren(
      ...support.modes.map((mode) => {
        const b = el('button', { text: LABELS[mode], testId: `xr-enter-${mode}`, attrs: { type: 'button' } });
        b.addEventListener('click', () => enter(mode));
        return b;
      }),
    );
    status.textContent = `Immersive sessions available: ${support.modes.join(', ')}.`;
    status.className = 'xr-status ok';
  });
  return section('XR', 'xr-panel', status, buttons, exit);
}
