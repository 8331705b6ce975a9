/**
 * A real webhook receiver on 127.0.0.1 for the delivery suites: verifies every request
 * with the Standard Webhooks reference `Webhook.verify`, records it, and answers with
 * whatever the test scripts (a status, a hold that never answers, or a close).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { abandoned, readSignedRequest } from '../../integrations/signed-request';

export interface Received {
  id: string;
  timestamp: string;
  verified: boolean;
  body: { id: string; type: string; createdAt: string; data: Record<string, unknown> } | undefined;
  raw: string;
  path: string;
  at: number;
}

/** What to do with one request: answer a status, or hold it open until the test releases it. */
export type Behaviour = { status: number; body?: string } | { hold: true };

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Verified requests whose body names this event id (one per delivery attempt that arrived). */
  byEventId(id: string): Received[];
  /** Decides each answer; default 204. */
  respond: (req: Received) => Behaviour;
  /** Answers every held request with `status` (default 200). */
  releaseHeld(status?: number): void;
  held(): number;
  close(): Promise<void>;
  /** Stop listening (the port then refuses connections) and start again on the same port. */
  stopListening(): Promise<void>;
  listenAgain(): Promise<void>;
}

export async function startReceiver(secret: string, port = 0): Promise<Receiver> {
  const verifier = new Webhook(secret);
  const heldResponses: http.ServerResponse[] = [];
  const receiver: Receiver = {
    url: '',
    port: 0,
    received: [],
    byEventId: (id) => receiver.received.filter((r) => r.verified && r.body?.id === id),
    respond: () => ({ status: 204 }),
    releaseHeld(status = 200) {
      for (const res of heldResponses.splice(0)) if (!res.writableEnded) res.writeHead(status).end();
    },
    held: () => heldResponses.length,
    close: async () => {
      receiver.releaseHeld(503);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
    stopListening: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
    listenAgain: () => new Promise<void>((r) => server.listen(receiver.port, '127.0.0.1', () => r())),
  };
  const server = http.createServer((req, res) => {
    void readSignedRequest(req, verifier).then(({ id, timestamp, raw, verified, body: parsed }) => {
      const body = parsed as Received['body'];
      const entry: Received = { id, timestamp, verified, body, raw, path: req.url ?? '/', at: Date.now() };
      receiver.received.push(entry);
      const behaviour = verified ? receiver.respond(entry) : { status: 401 };
      if ('hold' in behaviour) heldResponses.push(res);
      else res.writeHead(behaviour.status).end(behaviour.body);
    }, abandoned);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/hook`;
  return receiver;
}

/** A loopback port that nothing listens on (bound, read, released). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
