/**
 * Promise dates (docs/design.md §15) end to end: real order workflows waiting for stock, POs
 * and a transfer as supply, the promise loop (app/promise-loop.ts) recomputing, GET
 * /orders/:id showing promisedAt and `order.promise_changed` in the outbox.
 */
import request from 'supertest';
import { eventually } from './support/temporal';
import { as, orderBody, seedStock, startApi, uid, type ApiHarness, type TestApp } from './support/api-fixtures';
import { startPromiseLoop, type PromiseLoop } from '../app/promise-loop';
import { emitDocumentEvents } from '../app/stock-motion-records';

const d1 = '2030-06-01T00:00:00.000Z';
const d2 = '2030-06-10T00:00:00.000Z';
const d3 = '2030-06-20T00:00:00.000Z';

async function waitingOrder(app: TestApp, sku: string, quantity: number): Promise<string> {
  const orderId = uid('ord');
  await request(app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity }], { orderId })).expect(202);
  await eventually(async () => ((await request(app).get(`/orders/${orderId}`).set(as('ops'))).body.status === 'awaiting_stock' ? true : undefined));
  return orderId;
}

const promised = (app: TestApp, orderId: string, want: string | null) =>
  eventually(async () => {
    const r = await request(app).get(`/orders/${orderId}`).set(as('ops'));
    return r.body.promisedAt === want ? r.body : undefined;
  });

describe('API: promise dates', () => {
  let h: ApiHarness;
  let loop: PromiseLoop;
  beforeAll(async () => {
    h = await startApi({ worker: true });
    loop = startPromiseLoop({ knex: h.knex, intervalMs: 250, emit: emitDocumentEvents });
  });
  afterAll(async () => {
    await loop?.stop();
    await h?.stop();
  });

  it('3 waiting, POs of 2 (d1) and 1 (d2) → d2; the next order nothing; a moved date re-orders and emits promise_changed with the previous date', async () => {
    const { warehouseId, sku } = await seedStock(h.app, 0);
    const first = await waitingOrder(h.app, sku, 3);
    const second = await waitingOrder(h.app, sku, 1);
    expect((await request(h.app).get(`/orders/${first}`).set(as('ops'))).body.promisedAt).toBeNull();

    const open = (quantity: number, expectedAt: string) =>
      request(h.app).post('/purchase-orders').set(as('admin')).send({ supplier: 'Acme', warehouseId, expectedAt, lines: [{ sku, quantity }] }).expect(201);
    const p1 = (await open(2, d1)).body.purchaseOrderId as string;
    await open(1, d2);
    await promised(h.app, first, d2);
    expect((await request(h.app).get(`/orders/${second}`).set(as('ops'))).body.promisedAt).toBeNull();

    // p1 moves after p2: the first order is covered by p2 then p1.
    await request(h.app).patch(`/purchase-orders/${p1}`).set(as('admin')).send({ expectedAt: d3 }).expect(200);
    await promised(h.app, first, d3);
    const events = await h.knex('webhook_events').where({ type: 'order.promise_changed' }).whereRaw("data->>'orderId' = ?", [first]).orderBy('id').pluck('data');
    expect(events).toEqual([
      { orderId: first, promisedAt: d2, previousPromisedAt: null },
      { orderId: first, promisedAt: d3, previousPromisedAt: d2 },
    ]);
    // More supply: the second order is promised too.
    await open(1, d1);
    await promised(h.app, second, d3);
    // The first order is still promised d3: it takes the earliest units first (d1, d2, then d3 for the last).
    expect((await request(h.app).get(`/orders/${first}`).set(as('ops'))).body.promisedAt).toBe(d3);
  });

  it('a transfer toward a warehouse the order may use promises its expectedAt and, once received, fills the order there', async () => {
    const { warehouseId: dest, sku } = await seedStock(h.app, 0);
    // The source is inactive: orders never draw from it, a transfer may.
    const { warehouseId: source } = await seedStock(h.app, 1, { sku });
    await request(h.app).put(`/warehouses/${source}`).set(as('admin')).send({ name: 'closed site', active: false }).expect(200);
    const orderId = await waitingOrder(h.app, sku, 1);
    const t = (await request(h.app).post('/transfers').set(as('admin')).send({ fromWarehouseId: source, toWarehouseId: dest, lines: [{ sku, quantity: 1 }], expectedAt: d1 }).expect(201)).body;
    await promised(h.app, orderId, d1);
    await request(h.app).post(`/transfers/${t.transferId}/ship`).set(as('system')).send({}).expect(200);
    await request(h.app).post(`/transfers/${t.transferId}/receive`).set(as('system')).send({ receiptId: 'r', lines: [{ sku, quantity: 1 }] }).expect(200);
    const filled = await eventually(async () => {
      const r = await request(h.app).get(`/orders/${orderId}`).set(as('ops'));
      return r.body.status !== 'awaiting_stock' ? r.body : undefined;
    });
    expect(filled.allocations).toEqual([{ warehouseId: dest, sku, quantity: 1 }]);
    expect(filled.promisedAt).toBeUndefined();
    expect((await request(h.app).get(`/inventory/reconciliation?skus=${sku}`).set(as('ops'))).body).toEqual({ ok: true, problems: [] });
  });

  it('two loops (replicas) over the same changes announce each change once', async () => {
    const { warehouseId, sku } = await seedStock(h.app, 0);
    const orderId = await waitingOrder(h.app, sku, 1);
    const other = startPromiseLoop({ knex: h.knex, intervalMs: 50, emit: emitDocumentEvents });
    try {
      await request(h.app).post('/purchase-orders').set(as('admin')).send({ supplier: 'Acme', warehouseId, expectedAt: d2, lines: [{ sku, quantity: 1 }] }).expect(201);
      await promised(h.app, orderId, d2);
      await Promise.all([loop.runOnce(), other.runOnce(), loop.runOnce(), other.runOnce()]);
    } finally {
      await other.stop();
    }
    const events = await h.knex('webhook_events').where({ type: 'order.promise_changed' }).whereRaw("data->>'orderId' = ?", [orderId]).pluck('data');
    expect(events).toEqual([{ orderId, promisedAt: d2, previousPromisedAt: null }]);
  });
});
