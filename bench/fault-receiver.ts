/**
 * The webhook subscriber of fault run 8: a real HTTP server on a fixed loopback port that
 * verifies every message with the Standard Webhooks reference verifier against the
 * subscription's secret, and flaps through four phases until told to be steady:
 *   - refused: not listening, and every idle connection closed (keep-alive sockets would
 *     otherwise still carry requests), so the dispatcher meets ECONNREFUSED; a slow answer
 *     still under way is let finish, with `connection: close`;
 *   - 500: answers 500 and keeps nothing;
 *   - slow: keeps the message, then answers 200 after 0.5–12 s — past the dispatcher's 10 s
 *     timeout the sender gives up on a message the receiver already has, and sends it again;
 *   - ok: keeps it and answers 204.
 * "Kept" is what a receiver that deduplicates by webhook-id would have stored: the run's
 * check of 0 events lost counts kept ids.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { abandoned, readSignedRequest } from '../integrations/signed-request';

export type Phase = 'refused' | '500' | 'slow' | 'ok';
const PHASES: Phase[] = ['refused', '500', 'slow', 'ok'];

export interface KeptEvent {
  type: string;
  data: Record<string, unknown>;
}

export interface FlappingReceiver {
  url: string;
  /** webhook-id → the event, the first time it was kept. */
  kept: Map<string, KeptEvent>;
  stats: { requests: number; unverified: number; answered500: number; slow: number; ok: number; repeats: number; phases: number; openAtRefused: number; resetInRefused: number };
  /** What went wrong in the receiver itself (a port it could not listen on again). */
  errors: string[];
  /** Listening from now on, every message kept and answered 204 at once. */
  steady(): Promise<void>;
  close(): Promise<void>;
}

export async function startFlappingReceiver(opts: { port: number; secret: string; phaseMs: number; random: () => number }): Promise<FlappingReceiver> {
  const verifier = new Webhook(opts.secret);
  let phase: Phase = 'ok';
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let flapping = true;
  const rx: FlappingReceiver = {
    url: `http://127.0.0.1:${opts.port}/hooks`,
    kept: new Map(),
    stats: { requests: 0, unverified: 0, answered500: 0, slow: 0, ok: 0, repeats: 0, phases: 0, openAtRefused: 0, resetInRefused: 0 },
    errors: [],
    async steady() {
      flapping = false;
      clearTimeout(timer);
      phase = 'ok';
      await listen();
    },
    async close() {
      closed = true;
      flapping = false;
      clearTimeout(timer);
      server.closeAllConnections();
      if (server.listening) await new Promise<void>((r) => server.close(() => r()));
    },
  };

  const keep = (id: string, body: Record<string, unknown>) => {
    if (rx.kept.has(id)) rx.stats.repeats++;
    else rx.kept.set(id, { type: String(body.type ?? ''), data: (body.data ?? {}) as Record<string, unknown> });
  };

  const server = http.createServer((req, res) => {
    void readSignedRequest(req, verifier).then(({ id, verified, body: parsed }) => {
      rx.stats.requests++;
      if (phase === 'refused') {
        // Came on a connection that was busy when the phase began: as good as refused.
        rx.stats.resetInRefused++;
        req.socket.destroy();
        return;
      }
      if (!verified) {
        rx.stats.unverified++;
        res.writeHead(401).end();
        return;
      }
      const body = parsed as Record<string, unknown>;
      if (body.id !== id) rx.stats.unverified++;
      if (phase === '500') {
        rx.stats.answered500++;
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"fault run"}');
      } else if (phase === 'slow') {
        rx.stats.slow++;
        keep(id, body);
        setTimeout(() => res.writeHead(200, { connection: 'close' }).end(), 500 + opts.random() * 11_500);
      } else {
        rx.stats.ok++;
        keep(id, body);
        res.writeHead(204).end();
      }
    }, abandoned);
  });

  function listen(): Promise<void> {
    if (server.listening || closed) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  async function enter(next: Phase): Promise<void> {
    phase = next;
    rx.stats.phases++;
    if (next !== 'refused') return listen();
    rx.stats.openAtRefused += sockets.size;
    server.close();
    server.closeIdleConnections();
  }

  let i = 0;
  const flap = () => {
    void enter(PHASES[i++ % PHASES.length])
      .catch((err: unknown) => rx.errors.push(`receiver: ${(err as Error).message}`))
      .finally(() => {
        if (flapping) timer = setTimeout(flap, opts.phaseMs * (0.5 + opts.random()));
      });
  };
  await listen();
  flap();
  return rx;
}
