// Browsers start a worker only from a script of the page's own origin. A third-party page that embeds
// Sentio from our origin therefore cannot `new Worker('https://sentio.example/hub.js')`: the way round it,
// a Blob bootstrap that imports our script, is `moduleWorkerUrl` (src/platform/runtime-files.ts). This
// module names the failure when the asset host does not allow it.

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
