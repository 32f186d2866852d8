// Browsers start a worker only from a script of the page's own origin. A third-party page that embeds
// Sentio from our origin therefore cannot `new Worker('https://sentio.example/hub.js')`. The way round it:
// a tiny module made on the page's own origin (a Blob URL) that imports our script. The import is an
// ordinary cross-origin module fetch, so it needs CORS from the server that hosts Sentio's files; the
// worker itself runs in the host page's origin (its storage, its BroadcastChannel, its locks).

/** A URL the page may start a module worker from: the script itself when same-origin, else a Blob bootstrap. */
export function moduleWorkerUrl(script: URL, pageOrigin: string): { url: string; bootstrapped: boolean } {
  if (script.origin === pageOrigin) return { url: script.href, bootstrapped: false };
  const source = `import ${JSON.stringify(script.href)};\n`;
  return { url: URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), bootstrapped: true };
}

export class HubLoadError extends Error {
  override name = 'HubLoadError';
  constructor(
    readonly scriptUrl: string,
    readonly crossOrigin: boolean,
  ) {
    super(
      crossOrigin
        ? `the Sentio bus hub could not be loaded from ${scriptUrl}: the server hosting Sentio's files must ` +
            `allow cross-origin module loads (Access-Control-Allow-Origin), or the page must self-host them`
        : `the Sentio bus hub could not be loaded from ${scriptUrl}`,
    );
  }
}
