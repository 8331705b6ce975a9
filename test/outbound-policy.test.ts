/**
 * The outbound address policy end to end (docs/design.md §20, "Outbound destinations"): the
 * production API refusing internal destinations at registration, the dispatcher failing an
 * attempt whose name resolves to loopback, OUTBOUND_ALLOWED_NETWORKS letting a network through,
 * a receiver that streams a huge answer read only up to 4 KB, and a few deliveries in flight per
 * subscription. Nothing connects beyond loopback: internal-looking URLs are only registered
 * (delivery off), and test names resolve through the injected resolver to 127.0.0.1.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { LookupAddress } from 'node:dns';
import { Webhook } from 'standardwebhooks';
import { emitEvent } from '../webhooks/outbox';
import { claimDue } from '../webhooks/claim';
import { startDispatcher, type Dispatcher } from '../webhooks/dispatcher';
import { createOutboundClient, type OutboundClient, type Resolver } from '../integrations/outbound-http';
import { generateSecret, signedPost } from '../integrations/signed-post';
import { postToPeer } from '../activities/adapters/http-peer';
import { AdapterRejectedError } from '../activities/adapters/types';
import { readSignedRequest } from '../integrations/signed-request';
import { startApi, uid, type ApiHarness } from './support/api-fixtures';
import { eventually } from './support/temporal';
import { startReceiver, type Receiver } from './support/webhook-receiver';

const ADMIN_KEY = 'admin-key-for-production-tests-0123456789';
const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  API_KEYS: `${ADMIN_KEY}:admin`,
  CURSOR_SECRET: 'cursor-secret-for-production-tests',
  INTEGRATION_SECRET: `whsec_${Buffer.alloc(32, 3).toString('base64')}`,
  // Production requires it (docs/design.md §20): subscription secrets are stored sealed with it.
  SECRETS_KEY: Buffer.alloc(32, 5).toString('base64'),
  WEBHOOK_DELIVERY: 'off',
  RATE_LIMIT_WRITES_PER_MINUTE: '0',
};

/** The test resolver: every `*.test` name is 127.0.0.1; nothing else resolves (so nothing leaves loopback). */
const loopbackResolver: Resolver = async (hostname) => {
  if (!hostname.endsWith('.test')) throw Object.assign(new Error(`${hostname} is not a test name`), { code: 'ENOTFOUND' });
  return [{ address: '127.0.0.1', family: 4 } satisfies LookupAddress];
};

describe('outbound destinations in production', () => {
  let prod: ApiHarness;
  let allowed: ApiHarness;
  const clients: OutboundClient[] = [];
  const dispatchers: Dispatcher[] = [];
  const receivers: Receiver[] = [];
  const subs: string[] = [];

  beforeAll(async () => {
    prod = await startApi({ env: PRODUCTION_ENV });
    allowed = await startApi({ env: { ...PRODUCTION_ENV, OUTBOUND_ALLOWED_NETWORKS: '127.0.0.0/8' } });
  });
  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((d) => d.stop({ abort: true })));
    if (subs.length) await prod.knex('webhook_subscriptions').whereIn('id', subs.splice(0)).delete();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await prod?.stop();
    await allowed?.stop();
  });

  const client = (policy: ApiHarness['config']['outbound'], resolve?: Resolver) => {
    const c = createOutboundClient({ policy, resolve });
    clients.push(c);
    return c;
  };
  const dispatcher = (outbound: OutboundClient, perSubscription?: number) => {
    const d = startDispatcher({ knex: prod.knex, pollIntervalMs: 50, retry: { baseDelayMs: 200, maxDelayMs: 1_000 }, log: () => undefined, subscriptionIds: subs, outbound, perSubscription, secretsKey: prod.config.secrets.key });
    dispatchers.push(d);
    return d;
  };
  /** Subscribes `url` through `h`'s API; the receiver that verifies with its secret is started on `port`, or a fresh one. */
  const subscribe = async (h: ApiHarness, url: (port: number) => string, type = 'order.created') => {
    const rx = await startReceiver(generateSecret());
    receivers.push(rx);
    const res = await request(h.app).post('/webhooks').set(admin).send({ url: url(rx.port), events: [type] });
    expect([res.status, res.body.error]).toEqual([201, undefined]);
    subs.push(res.body.id);
    // The receiver must verify with the subscription's secret: start one on the same port with it.
    await rx.close();
    const verified = await startReceiver(res.body.secret, rx.port);
    receivers.push(verified);
    return { id: res.body.id as string, rx: verified };
  };
  const deliveries = async (subId: string) => (await request(prod.app).get(`/webhooks/${subId}/deliveries`).set(admin).expect(200)).body.deliveries;

  it('POST /webhooks at a literal internal address or localhost → 422 destination_not_allowed; a name is accepted', async () => {
    for (const url of ['http://127.0.0.1:9/x', 'http://169.254.169.254/', 'http://[::1]/', 'http://10.1.2.3/', 'http://localhost:4000/hook', 'http://[::ffff:127.0.0.1]/', 'http://100.64.0.1/', 'http://[fd00::1]/']) {
      const res = await request(prod.app).post('/webhooks').set(admin).send({ url, events: ['order.created'] });
      expect([url, res.status, res.body.error]).toEqual([url, 422, 'destination_not_allowed']);
      expect(res.body.message).toMatch(/^url: .* is a (loopback|link-local|private|cgnat|unique-local) address/);
    }
    const named = await request(prod.app).post('/webhooks').set(admin).send({ url: 'https://hooks.example.com/in', events: ['order.created'] }).expect(201);
    subs.push(named.body.id);
    // Outside production the same literal loopback URL registers (development's receivers live there).
    const dev = await startApi();
    try {
      const res = await request(dev.app).post('/webhooks').set({ Authorization: 'Bearer key-admin-0123456789' }).send({ url: 'http://[::1]:9/x', events: ['order.created'] }).expect(201);
      subs.push(res.body.id);
    } finally {
      await dev.stop();
    }
  });

  it('PUT /warehouses with a fulfillmentUrl at an internal address → 422, at a name → 201', async () => {
    for (const url of ['http://169.254.169.254/latest', 'http://10.1.2.3/f', 'http://localhost:4000/f']) {
      const res = await request(prod.app).put(`/warehouses/${uid('wh')}`).set(admin).send({ name: 'W', fulfillmentUrl: url });
      expect([url, res.status, res.body.error]).toEqual([url, 422, 'destination_not_allowed']);
    }
    await request(prod.app).put(`/warehouses/${uid('wh')}`).set(admin).send({ name: 'W', fulfillmentUrl: 'https://wms.example.com/f' }).expect(201);
  });

  it('a name that resolves to loopback fails the delivery attempt with that reason; the receiver gets nothing', async () => {
    const { id, rx } = await subscribe(prod, (port) => `http://hooks.test:${port}/hook`);
    dispatcher(client(prod.config.outbound, loopbackResolver));
    const evt = await emitEvent(prod.knex, { type: 'order.created', data: { orderId: uid('o') } });
    const d = await eventually(async () => {
      const [first] = (await deliveries(id)).filter((x: { eventId: string }) => x.eventId === evt.id);
      expect(first?.status).toBe('failed');
      return first;
    });
    expect(d.lastError).toBe('destination_not_allowed: hooks.test resolves to a loopback address');
    expect(d.lastStatusCode).toBeUndefined();
    expect(rx.received).toHaveLength(0);
  });

  it('with OUTBOUND_ALLOWED_NETWORKS=127.0.0.0/8 the loopback receiver is registered and gets the delivery', async () => {
    expect(allowed.config.outbound.allowLoopback).toBe(false);
    const { rx } = await subscribe(allowed, (port) => `http://127.0.0.1:${port}/hook`);
    // The same production policy with the network allowed, and the system resolver (the URL is a literal).
    dispatcher(client(allowed.config.outbound));
    const evt = await emitEvent(prod.knex, { type: 'order.created', data: { orderId: uid('o') } });
    await eventually(async () => (expect(rx.byEventId(evt.id)).toHaveLength(1), true));
  });

  it('the delivery log keeps the status and our reason, never the receiver answer', async () => {
    const { id, rx } = await subscribe(allowed, (port) => `http://127.0.0.1:${port}/hook`);
    rx.respond = () => ({ status: 400, body: 'root:x:0:0:root:/root:/bin/bash — internal page' });
    dispatcher(client(allowed.config.outbound));
    const evt = await emitEvent(prod.knex, { type: 'order.created', data: { orderId: uid('o') } });
    const d = await eventually(async () => {
      const [first] = (await deliveries(id)).filter((x: { eventId: string }) => x.eventId === evt.id);
      expect(first?.status).toBe('failed');
      return first;
    });
    expect(d).toMatchObject({ lastStatusCode: 400, lastError: 'HTTP 400' });
  });

  it('a few deliveries per subscription in flight: a slow receiver holds its cap, not the batch', async () => {
    const slow = await subscribe(allowed, (port) => `http://127.0.0.1:${port}/hook`, 'order.cancelled');
    const fast = await subscribe(allowed, (port) => `http://127.0.0.1:${port}/hook`, 'order.cancelled');
    slow.rx.respond = () => ({ hold: true });
    dispatcher(client(allowed.config.outbound), 3);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await emitEvent(prod.knex, { type: 'order.cancelled', data: { orderId: uid('o') } })).id);
    // Other suites on the database may emit order.cancelled too: count this test's events only.
    const mine = (rx: Receiver) => rx.received.filter((r) => r.verified && ids.includes(r.body?.id ?? '')).length;
    // Every event reaches the fast receiver while the slow one holds three, and only three.
    await eventually(async () => (expect(mine(fast.rx)).toBe(8), true));
    await eventually(async () => (expect(slow.rx.held()).toBe(3), true));
    // Its cap is full: a claim now (as another replica's would) takes none of its deliveries.
    const claimed = await claimDue(prod.knex, { batchSize: 20, perSubscription: 3, leaseMs: 30_000, subscriptionIds: [slow.id] });
    expect(claimed).toHaveLength(0);
    expect(slow.rx.received).toHaveLength(3);
    slow.rx.respond = () => ({ status: 204 });
    slow.rx.releaseHeld(200);
    await eventually(async () => (expect(mine(slow.rx)).toBe(8), true));
  });
});

describe('an answer is read up to 4 KB as a stream', () => {
  const secret = generateSecret();
  let server: http.Server;
  let port: number;
  let written = 0;
  const TOTAL = 64 * 1024 * 1024;

  beforeAll(async () => {
    const verifier = new Webhook(secret);
    server = http.createServer((req, res) => {
      void readSignedRequest(req, verifier).then(() => {
        // 64 MB in 64 KB chunks, each written only once the previous one drained: what is
        // written is what the socket accepted, so it measures how much the sender pulled.
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          while (written < TOTAL) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('a receiver streaming 64 MB: the sender keeps 4 KB, reads at most one chunk past it, and drops the connection', async () => {
    const outbound = createOutboundClient({ policy: { allowLoopback: true, allowedNetworks: [] } });
    try {
      const heapBefore = process.memoryUsage().heapUsed;
      const res = await signedPost({ url: `http://127.0.0.1:${port}/big`, secret, id: 'msg_big', body: { hello: 'world' }, client: outbound });
      const heapAfter = process.memoryUsage().heapUsed;
      expect(res).toMatchObject({ outcome: 'delivered', statusCode: 200 });
      expect(Buffer.byteLength(res.responseBody ?? '')).toBe(4_096);
      // The cap plus at most one socket read (64 KB), never the whole answer.
      expect(res.bytesRead).toBeGreaterThanOrEqual(4_096);
      expect(res.bytesRead).toBeLessThanOrEqual(4_096 + 64 * 1024);
      // What the receiver got to write is bounded by socket buffers, not by its 64 MB.
      expect(written).toBeLessThan(TOTAL / 4);
      // The heap did not take the answer in (a whole read would add 64 MB).
      expect(heapAfter - heapBefore).toBeLessThan(16 * 1024 * 1024);
    } finally {
      outbound.close();
    }
  });
});

describe('warehouses and the carrier go through the same policy', () => {
  it('a peer name that resolves to loopback: the adapter call is refused for good, with the reason; a peer answer never reaches lastError', async () => {
    const outbound = createOutboundClient({ policy: { allowLoopback: false, allowedNetworks: [] }, resolve: loopbackResolver });
    const rxSecret = generateSecret();
    const rx = await startReceiver(rxSecret);
    try {
      const err = await postToPeer({ url: `http://wms.test:${rx.port}/f`, secret: generateSecret(), type: 'fulfillment.requested', key: 'k1', body: {}, peer: 'warehouse W1', client: outbound }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AdapterRejectedError);
      expect((err as Error).message).toMatch(/^warehouse W1 did not take fulfillment\.requested msg_[0-9a-f]{32}: destination_not_allowed: wms\.test resolves to a loopback address$/);
      expect(rx.received).toHaveLength(0);

      // A peer on an allowed address answering 500 with an internal page: the reason is the status only.
      const dev = createOutboundClient({ policy: { allowLoopback: true, allowedNetworks: [] } });
      rx.respond = () => ({ status: 500, body: 'stack trace with DATABASE_URL=postgres://secret' });
      const failed = await postToPeer({ url: rx.url, secret: rxSecret, type: 'label.requested', key: 'k2', body: {}, peer: 'carrier', client: dev }).catch((e: unknown) => e as Error);
      dev.close();
      expect((failed as Error).message).toMatch(/^carrier did not take label\.requested msg_[0-9a-f]{32}: HTTP 500$/);
      expect((failed as Error).message).not.toContain('secret');
    } finally {
      outbound.close();
      await rx.close();
    }
  });

  it('redirects are not followed: a 302 is an answer, its Location gets nothing', async () => {
    const target = await startReceiver(generateSecret());
    const secret = generateSecret();
    const redirecting = http.createServer((_req, res) => res.writeHead(302, { Location: target.url }).end());
    await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', () => r()));
    try {
      const res = await signedPost({ url: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/`, secret, id: 'msg_redirect', body: {} });
      expect(res).toMatchObject({ outcome: 'retryable', statusCode: 302, error: 'HTTP 302' });
      expect(target.received).toHaveLength(0);
    } finally {
      redirecting.closeAllConnections();
      await new Promise<void>((r) => redirecting.close(() => r()));
      await target.close();
    }
  });
});
