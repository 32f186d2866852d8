// Raw baseline peer: counts the events it receives and echoes pings. No Sentio code on this path.
export type RawMessage =
  | { type: 'event'; event: unknown }
  | { type: 'batch'; events: unknown[] }
  | { type: 'ping'; t: number }
  | { type: 'count' };

let received = 0;
self.onmessage = (e: MessageEvent<RawMessage>) => {
  const m = e.data;
  switch (m.type) {
    case 'event':
      received++;
      break;
    case 'batch':
      received += m.events.length;
      break;
    case 'ping':
      self.postMessage({ type: 'pong', t: m.t });
      break;
    case 'count':
      self.postMessage({ type: 'count', received });
      received = 0;
      break;
  }
};
