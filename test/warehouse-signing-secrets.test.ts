/**
 * Signing secrets per warehouse, and secrets at rest (docs/design.md §20), against real loopback
 * warehouses started here that keep every message as it arrived, so each test can ask which
 * secrets it verifies with.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { generateSecret } from '../integrations/signed-post';
import { eventually } from './support/temporal';
import { as, orderBody, startApi, uid, type ApiHarness, type TestApp } from './support/api-fixtures';

interface Received {
  headers: Record<string, string>;
  raw: string;
  body: { type?: string; orderId?: string };
}

interface Receiver {
  url: string;
  messages: Received[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const messages: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(req.headers[h] ?? '')]));
      messages.push({ headers, raw, body: JSON.parse(raw) as Received['body'] });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/wms`,
    messages,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const verifiesWith = (m: Received, secret: string): boolean => {
  try {
    new Webhook(secret).verify(m.raw, m.headers);
    return true;
  } catch {
    return false;
  }
};

const signatures = (m: Received) => m.headers['webhook-signature'].split(' ');

/** A warehouse created with its URL (so the worker never knew it without one), a SKU, stock there. */
async function httpWarehouse(app: TestApp, url: string): Promise<{ warehouseId: string; sku: string; created: request.Response }> {
  const warehouseId = uid('wh');
  const sku = uid('SKU');
  const created = await request(app).put(`/warehouses/${warehouseId}`).set(as('admin')).send({ name: warehouseId, fulfillmentUrl: url }).expect(201);
  await request(app).put(`/skus/${sku}`).set(as('admin')).send({ name: sku }).expect(201);
  await request(app).post('/inventory/receipts').set(as('admin')).send({ warehouseId, sku, quantity: 10 }).expect(201);
  return { warehouseId, sku, created };
}

/** Orders one unit and answers the fulfillment.requested the warehouse received for it. */
async function requested(h: ApiHarness, receiver: Receiver, sku: string): Promise<Received> {
  const orderId = uid('ord');
  await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 1 }], { orderId })).expect(202);
  return eventually(async () => receiver.messages.find((m) => m.body.type === 'fulfillment.requested' && m.body.orderId === orderId), 30_000);
}

const SECRETS_KEY = Buffer.alloc(32, 11).toString('base64');

describe('signing secrets per warehouse, grace 0s', () => {
  const shared = generateSecret();
  let h: ApiHarness;
  let own: Receiver;
  let other: Receiver;
  beforeAll(async () => {
    [own, other] = await Promise.all([startReceiver(), startReceiver()]);
    h = await startApi({ worker: true, env: { INTEGRATION_SECRET: shared, SIGNING_SECRET_GRACE: '0s', SECRETS_KEY } });
  });
  afterAll(async () => {
    await h?.stop();
    await Promise.all([own?.close(), other?.close()]);
  });

  it('a warehouse with its own secret: its messages verify with it and not with INTEGRATION_SECRET; the other’s with INTEGRATION_SECRET', async () => {
    const a = await httpWarehouse(h.app, own.url);
    const b = await httpWarehouse(h.app, other.url);
    // INTEGRATION_SECRET is set: a fulfillmentUrl creates no secret of its own.
    expect(a.created.body.signingSecret).toBeUndefined();
    const rotated = await request(h.app).post(`/warehouses/${a.warehouseId}/signing-secret`).set(as('admin')).expect(201);
    expect(rotated.body).toEqual({ signingSecret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+=*$/) });
    const secret: string = rotated.body.signingSecret;
    expect((await request(h.app).post(`/warehouses/${a.warehouseId}/signing-secret`).set(as('support'))).status).toBe(403);
    expect((await request(h.app).post(`/warehouses/${uid('wh-none')}/signing-secret`).set(as('admin'))).status).toBe(404);

    const toA = await requested(h, own, a.sku);
    expect(signatures(toA)).toHaveLength(1);
    expect(verifiesWith(toA, secret)).toBe(true);
    expect(verifiesWith(toA, shared)).toBe(false);

    const toB = await requested(h, other, b.sku);
    expect(verifiesWith(toB, shared)).toBe(true);
    expect(verifiesWith(toB, secret)).toBe(false);

    // At rest: the row holds neither the secret nor its key material.
    const { rows } = await h.knex.raw<{ rows: { secret: string; previous_secret: string | null }[] }>('SELECT secret, previous_secret FROM warehouse_signing_secrets WHERE warehouse_id = ?', [a.warehouseId]);
    expect(rows).toHaveLength(1);
    expect(rows[0].secret).toMatch(/^enc:v1:/);
    expect(rows[0].secret).not.toContain(secret.slice('whsec_'.length, 'whsec_'.length + 16));
    expect(rows[0].previous_secret).toBeNull();
  });

  it('webhook subscription secrets are not readable in the database', async () => {
    const created = await request(h.app).post('/webhooks').set(as('admin')).send({ url: 'http://127.0.0.1:9/hook', events: ['order.created'] }).expect(201);
    const secret: string = created.body.secret;
    const { rows } = await h.knex.raw<{ rows: { secret: string }[] }>('SELECT secret FROM webhook_subscriptions WHERE id = ?', [created.body.id]);
    expect(rows[0].secret).toMatch(/^enc:v1:/);
    expect(rows[0].secret).not.toContain(secret.slice('whsec_'.length, 'whsec_'.length + 16));
    await request(h.app).delete(`/webhooks/${created.body.id}`).set(as('admin')).expect(204);
  });
});

describe('signing secrets per warehouse, during a grace', () => {
  const shared = generateSecret();
  let h: ApiHarness;
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
    h = await startApi({ worker: true, env: { INTEGRATION_SECRET: shared, SIGNING_SECRET_GRACE: '1h', SECRETS_KEY } });
  });
  afterAll(async () => {
    await h?.stop();
    await receiver?.close();
  });

  it('messages carry a signature under the new and the previous secret and verify with either', async () => {
    const w = await httpWarehouse(h.app, receiver.url);
    const first = (await request(h.app).post(`/warehouses/${w.warehouseId}/signing-secret`).set(as('admin')).expect(201)).body;
    expect(first.previousValidUntil).toEqual(expect.any(String));
    // From INTEGRATION_SECRET to its own: the warehouse can switch during the grace.
    const m1 = await requested(h, receiver, w.sku);
    expect(signatures(m1)).toHaveLength(2);
    expect(verifiesWith(m1, first.signingSecret)).toBe(true);
    expect(verifiesWith(m1, shared)).toBe(true);

    const second = (await request(h.app).post(`/warehouses/${w.warehouseId}/signing-secret`).set(as('admin')).expect(201)).body;
    const m2 = await requested(h, receiver, w.sku);
    expect(signatures(m2)).toHaveLength(2);
    expect(verifiesWith(m2, second.signingSecret)).toBe(true);
    expect(verifiesWith(m2, first.signingSecret)).toBe(true);
    expect(verifiesWith(m2, shared)).toBe(false);
    expect(verifiesWith(m2, generateSecret())).toBe(false);
  });
});

describe('without INTEGRATION_SECRET, the first fulfillmentUrl creates the warehouse’s secret', () => {
  let h: ApiHarness;
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
    h = await startApi({ worker: true, env: { INTEGRATION_SECRET: '', SECRETS_KEY } });
  });
  afterAll(async () => {
    await h?.stop();
    await receiver?.close();
  });

  it('answers it once; messages verify with it', async () => {
    expect(h.config.integration.secret).toBeUndefined();
    const w = await httpWarehouse(h.app, receiver.url);
    const secret: string = w.created.body.signingSecret;
    expect(secret).toMatch(/^whsec_/);
    const again = await request(h.app).put(`/warehouses/${w.warehouseId}`).set(as('admin')).send({ name: w.warehouseId, fulfillmentUrl: receiver.url }).expect(200);
    expect(again.body.signingSecret).toBeUndefined();
    const m = await requested(h, receiver, w.sku);
    expect(verifiesWith(m, secret)).toBe(true);
  });
});
