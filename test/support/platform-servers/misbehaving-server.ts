import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A text that must never reach an error, a log or an answer: it is the platform's body. */
export const HUGE_BODY_MARKER = 'PLATFORM-BODY-MARKER';

/**
 * A platform endpoint gone wrong, on 127.0.0.1: `hang` accepts the request and never answers;
 * `huge` answers 200 with a JSON body of `hugeBytes`, streamed without a Content-Length (or
 * with one, `declareLength`), far beyond any limit.
 */
export interface MisbehavingServer {
  baseUrl: string;
  mode: 'hang' | 'huge';
  declareLength: boolean;
  /** Requests received so far. */
  readonly requests: number;
  /** Resolves once every connection it accepted is closed; rejects after `withinMs`. */
  allClosed(withinMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startMisbehavingServer(
  hugeBytes = 4 * 1024 * 1024,
): Promise<MisbehavingServer> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests += 1;
    req.resume();
    if (control.mode === 'hang') return; // never answers
    const chunk = Buffer.from(`${HUGE_BODY_MARKER} `.repeat(4096));
    res.writeHead(200, {
      'Content-Type': 'application/json',
      ...(control.declareLength ? { 'Content-Length': String(hugeBytes) } : {}),
    });
    let sent = 0;
    const pump = (): void => {
      while (sent < hugeBytes && !res.destroyed) {
        const part = chunk.subarray(0, Math.min(chunk.length, hugeBytes - sent));
        sent += part.length;
        if (!res.write(part)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    pump();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const control: MisbehavingServer = {
    baseUrl: `http://127.0.0.1:${port}`,
    mode: 'hang',
    declareLength: false,
    get requests() {
      return requests;
    },
    async allClosed(withinMs) {
      const deadline = Date.now() + withinMs;
      while (sockets.size > 0) {
        if (Date.now() > deadline) throw new Error(`${sockets.size} connection(s) still open`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return control;
}
