/**
 * A TCP proxy between the product and Postgres, controlled by the fault run: `refuse(ms)`
 * resets every open connection and resets each new one at once for `ms`, then passes
 * traffic again. Listens on 127.0.0.1 only.
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Connections reset since start. */
  resets(): number;
  refusing(): boolean;
  /** Reset all open connections and refuse new ones for `ms`. */
  refuse(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  if (targetHost !== '127.0.0.1' && targetHost !== 'localhost') throw new Error('the proxy forwards to 127.0.0.1 only');
  const open = new Set<net.Socket>();
  let refuseUntil = 0;
  let resetCount = 0;
  const reset = (s: net.Socket) => {
    resetCount++;
    if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
    else s.destroy();
  };
  const server = net.createServer((client) => {
    if (Date.now() < refuseUntil) {
      reset(client);
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    resets: () => resetCount,
    refusing: () => Date.now() < refuseUntil,
    async refuse(ms: number) {
      refuseUntil = Date.now() + ms;
      for (const s of [...open]) reset(s);
      open.clear();
      await new Promise((r) => setTimeout(r, ms));
    },
    async close() {
      for (const s of [...open]) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
