// Raw SharedWorker baseline: counts batches from one port, or relays them to a sink port (what a hub does,
// minus validation and routing). No Sentio code on this path.
export type RelayMessage =
  { type: 'sink'; port: MessagePort } | { type: 'batch'; events: unknown[] } | { type: 'count' };

let sink: MessagePort | undefined;
let counted = 0;
(self as unknown as { onconnect: (e: MessageEvent) => void }).onconnect = (e) => {
  const port = e.ports[0]!;
  port.onmessage = (m: MessageEvent<RelayMessage>) => {
    const msg = m.data;
    if (msg.type === 'sink') sink = msg.port;
    else if (msg.type === 'batch') {
      if (sink) sink.postMessage(msg);
      else counted += msg.events.length;
    } else {
      if (sink) sink.postMessage(msg);
      else {
        port.postMessage({ type: 'count', received: counted });
        counted = 0;
      }
    }
  };
};
