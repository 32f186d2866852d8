// Two HTTP origins for the plugin sandbox tests, started by the spec itself: one a plugin may be granted, one
// it never is. Both answer everything permissively (CORS *, CORP cross-origin, WebSocket upgrades, SSE), so
// when a request does not arrive it is the sandbox's policy that stopped it, not the server.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';

export interface Origin {
  url: string;
  /** "METHOD path" of every request that reached the server, upgrades as "UPGRADE path". */
  hits: string[];
  close(): Promise<void>;
}

export async function startOrigin(port: number): Promise<Origin> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    const headers = {
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
      'cache-control': 'no-store',
    };
    if (req.url?.startsWith('/sse')) {
      res.writeHead(200, { ...headers, 'content-type': 'text/event-stream' });
      res.write('data: hello\n\n');
      return;
    }
    const type = req.url?.endsWith('.js') ? 'text/javascript' : 'application/json';
    res.writeHead(200, { ...headers, 'content-type': type });
    res.end(
      type === 'text/javascript' ? 'self.imported = true;' : JSON.stringify({ from: port, path: req.url }),
    );
  });
  // Upgraded and streaming sockets are not closed by server.close(): keep them to destroy on close.
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req, socket) => {
    hits.push(`UPGRADE ${req.url}`);
    const accept = createHash('sha1')
      .update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
