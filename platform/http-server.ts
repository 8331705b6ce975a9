/** The HTTP server of a process: serves an app, and on close drains it within a grace period. */
import http from 'node:http';
import type { RequestListener } from 'node:http';
import type { Logger } from './logger';

export interface HttpService {
  port: number;
  /** The address actually bound (127.0.0.1 when auth is off and no HOST was given). */
  host: string;
  /** Stops accepting, lets in-flight requests finish within `graceMs`, then cuts the rest. */
  close(graceMs: number): Promise<void>;
}

export async function serveHttp(app: RequestListener, port: number, host: string, log: Logger): Promise<HttpService> {
  let stopping = false;
  const server = http.createServer((req, res) => {
    // While draining, tell keep-alive clients to reconnect (to another replica).
    if (stopping) res.setHeader('Connection', 'close');
    app(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    host: typeof address === 'object' && address ? address.address : host,
    async close(graceMs) {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => {
        log.warn('grace period over: closing the remaining connections');
        server.closeAllConnections();
      }, graceMs);
      grace.unref();
      await closed;
      clearTimeout(grace);
    },
  };
}
