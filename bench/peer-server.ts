/**
 * A warehouse or carrier on 127.0.0.1 for the integration suites and the fault run: a real
 * HTTP server that verifies every request with the Standard Webhooks reference verifier,
 * records it, and answers as the test scripts (a status with a JSON body, or a reset
 * connection). Unverified requests are recorded too and answered 401.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { abandoned, readSignedRequest } from '../integrations/signed-request';

export interface PeerMessage {
  /** webhook-id */
  id: string;
  verified: boolean;
  type: string;
  body: Record<string, unknown>;
  path: string;
  at: number;
}

export type PeerAnswer = { status: number; json?: unknown } | { reset: true };

export interface PeerServer {
  url: string;
  messages: PeerMessage[];
  /** Verified messages, optionally of one type (and matching `where`). */
  received(type?: string, where?: (m: PeerMessage) => boolean): PeerMessage[];
  /** Decides each verified message's answer; default 200 `{}`. */
  /** The answer to a verified message; a promise holds the answer back (a peer that works before it answers). */
  respond: (m: PeerMessage) => PeerAnswer | Promise<PeerAnswer>;
  /** Resolves with the first verified message of `type` matching `where` (already received or to come). */
  next(type: string, where?: (m: PeerMessage) => boolean, timeoutMs?: number): Promise<PeerMessage>;
  close(): Promise<void>;
}

export async function startPeerServer(secret: string): Promise<PeerServer> {
  const verifier = new Webhook(secret);
  const waiters: (() => void)[] = [];
  const peer: PeerServer = {
    url: '',
    messages: [],
    received: (type, where) => peer.messages.filter((m) => m.verified && (type === undefined || m.type === type) && (!where || where(m))),
    respond: () => ({ status: 200, json: {} }),
    async next(type, where, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = peer.received(type, where)[0];
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no ${type} message arrived within ${timeoutMs} ms (have: ${peer.messages.map((m) => m.type).join(', ') || 'none'})`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, Math.min(left, 250));
          waiters.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = http.createServer((req, res) => {
    void readSignedRequest(req, verifier).then(async ({ id, verified, body: parsed }) => {
      const body = (parsed ?? {}) as Record<string, unknown>;
      const message: PeerMessage = { id, verified, type: String(body.type ?? ''), body, path: req.url ?? '/', at: Date.now() };
      peer.messages.push(message);
      for (const w of waiters.splice(0)) w();
      const answer: PeerAnswer = verified ? await peer.respond(message) : { status: 401, json: { error: 'bad signature' } };
      if ('reset' in answer) {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.json === undefined ? '' : JSON.stringify(answer.json));
    }, abandoned);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return peer;
}
