// Host-side actuators a plugin may invoke when granted: the plugin never touches the app's DOM or APIs, it
// asks, and the host does exactly one well-defined thing with checked arguments.
import type { Actuator } from './runner-deps';

function textArg(args: unknown, max: number): string {
  const text = typeof args === 'object' && args !== null ? (args as { text?: unknown }).text : undefined;
  if (typeof text !== 'string' || text.length === 0)
    throw new TypeError('args.text must be a non-empty string');
  if (text.length > max) throw new RangeError(`args.text is longer than ${max} characters`);
  return text;
}

/** Shows a short text in `container` for `ms`; text only (textContent), so a plugin cannot inject markup. */
export function createToastActuator(container: HTMLElement, ms = 4000): Actuator {
  return (args, plugin) => {
    const text = textArg(args, 200);
    const el = document.createElement('div');
    el.className = 'sentio-toast';
    el.setAttribute('role', 'status');
    el.dataset.plugin = plugin.id;
    el.textContent = text;
    container.append(el);
    setTimeout(() => el.remove(), ms);
  };
}

/** Speaks a short text with the Web Speech API; resolves when it has been spoken. */
export function createSpeechActuator(synth: SpeechSynthesis = speechSynthesis): Actuator {
  return (args) =>
    new Promise<void>((resolve, reject) => {
      const u = new SpeechSynthesisUtterance(textArg(args, 500));
      u.onend = () => resolve();
      u.onerror = (e) => reject(new Error(`speech failed: ${e.error}`));
      synth.speak(u);
    });
}
