/**
 * Scoped integration keys, holds that say who, personal data by role (docs/design.md §20), over
 * HTTP against the real order workflow, Postgres and Temporal.
 */
import request from 'supertest';
import { eventually } from './support/temporal';
import { API_KEYS_ENV, as, KEYS, orderBody, seedStock, startApi, uid, type ApiHarness, type TestApp } from './support/api-fixtures';
import { keyFingerprint } from '../api/key-fingerprint';
import { orderViewSchema } from '../api/schemas';
import { createLogger } from '../platform/logger';

const WH_A = uid('wh-a');
const WH_B = uid('wh-b');
const WH_B_KEY = `key-wh-b-${uid('k')}`;
const WEB_KEY = `key-web-${uid('k')}`;
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

async function untilStatus(app: TestApp, orderId: string, status: string) {
  return eventually(async () => {
    const r = await request(app).get(`/orders/${orderId}`).set(as('support'));
    return r.status === 200 && r.body.status === status ? r.body : undefined;
  }, 30_000);
}

describe('scoped keys, hold actors and personal data over HTTP', () => {
  let h: ApiHarness;
  const lines: string[] = [];
  beforeAll(async () => {
    h = await startApi({ worker: true, logger: createLogger({ level: 'info', write: (line) => lines.push(line) }), env: { API_KEYS: `${API_KEYS_ENV},${WH_B_KEY}:system/warehouse=${WH_B},${WEB_KEY}:system/channel=web` } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function start(lines: Array<{ sku: string; quantity: number }>, overrides: Record<string, unknown> = {}) {
    const orderId = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody(lines, { orderId, ...overrides })).expect(202);
    return orderId;
  }

  it('a warehouse key: another warehouse’s fulfillment → 403 and nothing moves; its own → 200; creating → 403; an order it does not ship → 404', async () => {
    const { sku } = await seedStock(h.app, 1, { warehouseId: WH_A });
    await seedStock(h.app, 1, { warehouseId: WH_B, sku, priority: 2 });
    const split = await start([{ sku, quantity: 2 }]);
    const view = await untilStatus(h.app, split, 'picking');
    const atA = view.fulfillments.find((f: { warehouseId: string }) => f.warehouseId === WH_A);
    const atB = view.fulfillments.find((f: { warehouseId: string }) => f.warehouseId === WH_B);
    expect(atA && atB).toBeTruthy();

    const foreign = await request(h.app).post(`/orders/${split}/events`).set(bearer(WH_B_KEY)).send({ type: 'picked', fulfillmentId: atA.fulfillmentId });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error).toBe('forbidden');
    const unnamed = await request(h.app).post(`/orders/${split}/events`).set(bearer(WH_B_KEY)).send({ type: 'picked' });
    expect(unnamed.status).toBe(403);
    const after = await request(h.app).get(`/orders/${split}`).set(as('support')).expect(200);
    expect(after.body.fulfillments.find((f: { fulfillmentId: string }) => f.fulfillmentId === atA.fulfillmentId).status).toBe('picking');
    expect(after.body.history).toEqual(view.history);

    const own = await request(h.app).post(`/orders/${split}/events`).set(bearer(WH_B_KEY)).send({ type: 'picked', fulfillmentId: atB.fulfillmentId });
    expect(own.status).toBe(200);
    expect(own.body.fulfillments.find((f: { fulfillmentId: string }) => f.fulfillmentId === atB.fulfillmentId).status).toBe('packing');
    expect(own.body.fulfillments.find((f: { fulfillmentId: string }) => f.fulfillmentId === atA.fulfillmentId).status).toBe('picking');

    // It reads what it ships: the whole address, not the customer's email or name.
    const read = await request(h.app).get(`/orders/${split}`).set(bearer(WH_B_KEY)).expect(200);
    expect(read.body.shippingAddress).toMatchObject({ name: 'Ada Lovelace', line1: '12 St James Square' });
    expect(read.body.customer).toEqual({ id: expect.any(String) });

    const create = await request(h.app).post('/orders').set(bearer(WH_B_KEY)).send(orderBody([{ sku, quantity: 1 }], { orderId: uid('ord') }));
    expect(create.status).toBe(403);

    const { sku: onlyA } = await seedStock(h.app, 1, { warehouseId: WH_A });
    const elsewhere = await start([{ sku: onlyA, quantity: 1 }]);
    await untilStatus(h.app, elsewhere, 'picking');
    expect((await request(h.app).get(`/orders/${elsewhere}`).set(bearer(WH_B_KEY))).status).toBe(404);
    expect((await request(h.app).post(`/orders/${elsewhere}/events`).set(bearer(WH_B_KEY)).send({ type: 'picked' })).status).toBe(404);
    expect((await request(h.app).post(`/orders/${split}/holds`).set(bearer(WH_B_KEY)).send({ reason: 'other' })).status).toBe(403);

    // Units only allocated at B (the rest backordered, no fulfillment open yet): B does not ship it, so B neither reads nor lists it.
    const { sku: scarce } = await seedStock(h.app, 1, { warehouseId: WH_B });
    const allocatedOnly = await start([{ sku: scarce, quantity: 2 }]);
    const waiting = await untilStatus(h.app, allocatedOnly, 'awaiting_stock');
    expect(waiting.allocations).toEqual([expect.objectContaining({ warehouseId: WH_B })]);
    expect(waiting.fulfillments).toEqual([]);
    expect((await request(h.app).get(`/orders/${allocatedOnly}`).set(bearer(WH_B_KEY))).status).toBe(404);

    const listed = await request(h.app).get('/orders?limit=100').set(bearer(WH_B_KEY)).expect(200);
    const ids = listed.body.orders.map((o: { orderId: string }) => o.orderId);
    expect(ids).toContain(split);
    expect(ids).not.toContain(elsewhere);
    expect(ids).not.toContain(allocatedOnly);
    // Admin's warehouse filter still finds it: it names where units are held.
    const admin = await request(h.app).get(`/orders?limit=100&warehouseId=${WH_B}`).set(as('admin')).expect(200);
    expect(admin.body.orders.map((o: { orderId: string }) => o.orderId)).toContain(allocatedOnly);
    await request(h.app).post(`/orders/${allocatedOnly}/cancel`).set(as('support')).send({ reason: 'test done' }).expect(200);
  });

  it('a channel key: another channel → 403 on create, 404 on read and hold; its own order it creates, reads and lists', async () => {
    const { sku } = await seedStock(h.app, 5);
    const other = await start([{ sku, quantity: 1 }], { channel: 'amazon' });
    const create = await request(h.app).post('/orders').set(bearer(WEB_KEY)).send(orderBody([{ sku, quantity: 1 }], { orderId: uid('ord'), channel: 'amazon' }));
    expect(create.status).toBe(403);
    expect(create.body.error).toBe('forbidden');
    expect((await request(h.app).get(`/orders/${other}`).set(bearer(WEB_KEY))).status).toBe(404);
    expect((await request(h.app).post(`/orders/${other}/holds`).set(bearer(WEB_KEY)).send({ reason: 'payment' })).status).toBe(404);

    const mine = uid('ord');
    await request(h.app).post('/orders').set(bearer(WEB_KEY)).send(orderBody([{ sku, quantity: 1 }], { orderId: mine })).expect(202);
    const read = await request(h.app).get(`/orders/${mine}`).set(bearer(WEB_KEY)).expect(200);
    expect(read.body.customer.email).toBe('ada@example.com');
    const listed = await request(h.app).get('/orders?limit=100').set(bearer(WEB_KEY)).expect(200);
    const channels = new Set(listed.body.orders.map((o: { channel: string }) => o.channel));
    expect([...channels]).toEqual(['web']);
    expect(listed.body.orders.map((o: { orderId: string }) => o.orderId)).toContain(mine);
    const sneaky = await request(h.app).get('/orders?channel=amazon').set(bearer(WEB_KEY)).expect(200);
    expect(sneaky.body.orders).toEqual([]);
  });

  it('a hold names who placed and who released it by role, scope and key fingerprint', async () => {
    const { sku } = await seedStock(h.app, 5);
    const orderId = uid('ord');
    await request(h.app).post('/orders').set(bearer(WEB_KEY)).send(orderBody([{ sku, quantity: 1 }], { orderId })).expect(202);
    await untilStatus(h.app, orderId, 'picking');
    const placed = await request(h.app).post(`/orders/${orderId}/holds`).set(bearer(WEB_KEY)).send({ reason: 'fraud_check' }).expect(201);
    await untilStatus(h.app, orderId, 'on_hold');
    const released = await request(h.app).delete(`/orders/${orderId}/holds/${placed.body.holdId}`).set(as('support')).expect(200);
    expect(released.body.holds[0].releasedBy).toEqual({ role: 'support', key: keyFingerprint(KEYS.support) });
    // The record follows the workflow's next write.
    const view = await eventually(async () => {
      const r = (await request(h.app).get(`/orders/${orderId}`).set(as('ops')).expect(200)).body;
      return r.holds[0]?.releasedAt ? r : undefined;
    }, 30_000);
    expect(orderViewSchema.safeParse(view).success).toBe(true);
    const hold = view.holds.find((x: { holdId: string }) => x.holdId === placed.body.holdId);
    expect(hold.placedBy).toEqual({ role: 'system', scope: 'channel=web', key: keyFingerprint(WEB_KEY) });
    expect(hold.releasedBy).toEqual({ role: 'support', key: keyFingerprint(KEYS.support) });
    expect(JSON.stringify(view)).not.toContain(WEB_KEY);
  });

  it('the 51st hold of an order is refused with 409 too_many_holds', async () => {
    const { sku } = await seedStock(h.app, 5);
    const orderId = await start([{ sku, quantity: 1 }]);
    await untilStatus(h.app, orderId, 'picking');
    for (let i = 0; i < 50; i++) {
      await request(h.app).post(`/orders/${orderId}/holds`).set(as('support')).set('Idempotency-Key', `h-${i}`).send({ reason: 'other' }).expect(201);
    }
    const again = await request(h.app).post(`/orders/${orderId}/holds`).set(as('support')).set('Idempotency-Key', 'h-7').send({ reason: 'other' });
    expect(again.status).toBe(201);
    const more = await request(h.app).post(`/orders/${orderId}/holds`).set(as('support')).set('Idempotency-Key', 'h-50').send({ reason: 'other' });
    expect(more.status).toBe(409);
    expect(more.body.error).toBe('too_many_holds');
    const view = (await request(h.app).get(`/orders/${orderId}`).set(as('support')).expect(200)).body;
    expect(view.holds).toHaveLength(50);
  }, 180_000);

  it('ops sees no name, email or street; support sees them', async () => {
    const { sku } = await seedStock(h.app, 5);
    const orderId = await start([{ sku, quantity: 1 }], {
      shippingAddress: { name: 'Ada Lovelace', line1: '12 St James Square', line2: 'Flat 2', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
    });
    const ops = (await request(h.app).get(`/orders/${orderId}`).set(as('ops')).expect(200)).body;
    expect(ops.customer).toEqual({ id: expect.any(String) });
    expect(ops.shippingAddress).toEqual({ city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' });
    expect(JSON.stringify(ops)).not.toMatch(/Ada|Lovelace|St James|ada@example/);
    expect(orderViewSchema.safeParse(ops).success).toBe(true);
    const support = (await request(h.app).get(`/orders/${orderId}`).set(as('support')).expect(200)).body;
    expect(support.customer).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(support.shippingAddress).toMatchObject({ name: 'Ada Lovelace', line1: '12 St James Square', line2: 'Flat 2' });
  });

  // Reads the lines of the requests the tests above made (jest runs a file's tests in order).
  it('request log lines name the key by its fingerprint, never the key', () => {
    const requests = lines.map((l) => JSON.parse(l) as { msg?: string; keyFingerprint?: string }).filter((l) => l.msg === 'request');
    expect(requests.some((l) => l.keyFingerprint === keyFingerprint(WEB_KEY))).toBe(true);
    expect(requests.some((l) => l.keyFingerprint === keyFingerprint(WH_B_KEY))).toBe(true);
    for (const key of [WEB_KEY, WH_B_KEY, KEYS.support, KEYS.admin]) expect(lines.join('\n')).not.toContain(key);
  });
});
