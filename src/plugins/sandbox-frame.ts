// The sandbox: an iframe with `sandbox="allow-scripts"` (an opaque origin: no access to the app's DOM,
// cookies, IndexedDB or same-origin requests) whose document carries a Content-Security-Policy that allows
// network connections only to the granted origins and nothing else at all (no images, styles, frames,
// scripts from elsewhere). The plugin runs in a worker created inside it from a blob: URL, which inherits
// the document's policy, so a plugin stuck in a loop never blocks a page's main thread.
import type { SandboxBoot } from './protocol';
import { sandboxRuntimeSource } from './sandbox-runtime';

export interface SandboxSpec {
  /** Used for the iframe's title and the worker's name (shows in devtools). */
  name: string;
  /** Exact, already verified entry bytes. */
  entry: Uint8Array;
  /** Origins connect-src allows; empty for no network at all. */
  network: readonly string[];
}

export interface Sandbox {
  /** The one port to the plugin runtime. */
  readonly port: MessagePort;
  /** Removes the iframe, which ends its worker too, whatever the plugin is doing. */
  destroy(): void;
}

/** A nonce for the bootstrap script: the only inline script the sandbox document may run. */
function nonce(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Each granted http(s) origin is also granted as ws(s), since WebSocket matching is by scheme in CSP. */
function connectSources(network: readonly string[]): string {
  if (!network.length) return "'none'";
  const out = new Set<string>();
  for (const o of network) {
    out.add(o);
    if (o.startsWith('http:')) out.add('ws:' + o.slice(5));
    if (o.startsWith('https:')) out.add('wss:' + o.slice(6));
  }
  return [...out].join(' ');
}

export function sandboxCsp(network: readonly string[], scriptNonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${scriptNonce}' blob:`,
    'worker-src blob:',
    `connect-src ${connectSources(network)}`,
    "img-src 'none'",
    "media-src 'none'",
    "style-src 'none'",
    "font-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "manifest-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** Runs in the sandbox document: turns the boot message into a worker and hands the port to it. */
function sandboxFrameMain(): void {
  let booted = false;
  window.addEventListener('message', (e: MessageEvent) => {
    const boot = e.data as SandboxBoot | null;
    if (booted || e.source !== window.parent || boot?.type !== 'sentio.sandbox.boot' || !e.ports[0]) return;
    booted = true;
    const port = e.ports[0];
    const runtimeUrl = URL.createObjectURL(new Blob([boot.runtime], { type: 'text/javascript' }));
    const entryUrl = URL.createObjectURL(new Blob([boot.entry], { type: 'text/javascript' }));
    try {
      const worker = new Worker(runtimeUrl, { name: boot.name });
      worker.postMessage({ type: 'connect', entryUrl }, [port]);
    } catch (err) {
      const error = err as Error;
      port.postMessage({
        type: 'fault',
        error: { name: error.name, message: `cannot start the sandbox worker: ${error.message}` },
      });
    }
  });
}

export function sandboxDocument(network: readonly string[]): string {
  const n = nonce();
  const csp = sandboxCsp(network, n).replace(/"/g, '&quot;');
  return (
    `<!doctype html><html><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    `<script nonce="${n}">(${sandboxFrameMain.toString()})()</script></head><body></body></html>`
  );
}

/**
 * Creates the sandbox iframe in `container` and boots the plugin in it. Resolves once the boot message is
 * posted; whether the plugin loaded is reported on the port (`loaded` or `fault`).
 */
export function createSandbox(container: HTMLElement, spec: SandboxSpec): Promise<Sandbox> {
  const iframe = document.createElement('iframe');
  iframe.setAttribute('sandbox', 'allow-scripts');
  iframe.title = `plugin ${spec.name}`;
  iframe.dataset.sentioPlugin = spec.name;
  iframe.style.display = 'none';
  iframe.srcdoc = sandboxDocument(spec.network);
  const channel = new MessageChannel();
  return new Promise((resolve, reject) => {
    iframe.addEventListener(
      'load',
      () => {
        const win = iframe.contentWindow;
        if (!win) {
          reject(new Error(`the sandbox of ${spec.name} has no window`));
          return;
        }
        const entry = spec.entry.slice().buffer;
        const boot: SandboxBoot = {
          type: 'sentio.sandbox.boot',
          runtime: sandboxRuntimeSource(),
          entry,
          name: spec.name,
        };
        // The sandbox's origin is opaque, so '*' is the only target origin that reaches it; the message
        // goes to this iframe's window object and no other.
        win.postMessage(boot, '*', [channel.port2, entry]);
        resolve({
          port: channel.port1,
          destroy() {
            channel.port1.close();
            iframe.remove();
          },
        });
      },
      { once: true },
    );
    container.append(iframe);
  });
}
