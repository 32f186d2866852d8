// Temporary hub behaviour until the bus lands: count connections and answer `hub.hello`.
export type HubGreetingRequest = { type: 'hub.hello'; client: string };
export type HubGreetingReply = { type: 'hub.welcome'; hubId: string; connections: number };

export function serveHubGreeting(scope: { onconnect: ((e: MessageEvent) => void) | null }): void {
  const hubId = crypto.randomUUID();
  let connections = 0;
  scope.onconnect = (e) => {
    const port = e.ports[0];
    if (!port) return;
    connections++;
    port.onmessage = (m: MessageEvent<HubGreetingRequest>) => {
      if (m.data?.type === 'hub.hello') {
        const reply: HubGreetingReply = { type: 'hub.welcome', hubId, connections };
        port.postMessage(reply);
      }
    };
    port.start();
  };
}
