/**
 * The promise recomputation (orders/promises.ts) run by two replicas against one database:
 * each change of a promise date is written and announced once. The interleaving that used to
 * announce one change three times is forced: replica A reads its inputs, the supply moves,
 * replica B runs a whole pass, then A writes what it read. Before the pass lock, B wrote the new
 * date, A put the old one back, and A's next pass wrote the new one again.
 */
import request from 'supertest';
import { eventually } from './support/temporal';
import { as, orderBody, seedStock, startApi, uid, type ApiHarness, type TestApp } from './support/api-fixtures';
import { createPromiseStore } from '../orders/promises';
import { emitDocumentEvents } from '../app/stock-motion-records';

const d1 = '2031-03-01T00:00:00.000Z';
const d2 = '2031-03-15T00:00:00.000Z';

async function waitingOrder(app: TestApp, sku: string): Promise<string> {
  const orderId = uid('ord');
  await request(app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 1 }], { orderId })).expect(202);
  await eventually(async () => ((await request(app).get(`/orders/${orderId}`).set(as('ops'))).body.status === 'awaiting_stock' ? true : undefined));
  return orderId;
}

describe('promise recomputation on two replicas', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: true });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('a pass that read its inputs before the other replica passed does not put back the older date: one event per change', async () => {
    const { warehouseId, sku } = await seedStock(h.app, 0);
    const orderId = await waitingOrder(h.app, sku);
    const po = (await request(h.app).post('/purchase-orders').set(as('admin')).send({ supplier: 'Acme', warehouseId, expectedAt: d1, lines: [{ sku, quantity: 1 }] }).expect(201)).body.purchaseOrderId as string;

    // Replica A stops between reading its inputs (the PO due d1) and writing.
    let inputsRead!: () => void;
    const aRead = new Promise<void>((resolve) => (inputsRead = resolve));
    let letAWrite!: () => void;
    const aMayWrite = new Promise<void>((resolve) => (letAWrite = resolve));
    let hold = true;
    const a = createPromiseStore(h.knex, emitDocumentEvents, {
      afterInputs: async () => {
        if (!hold) return;
        hold = false;
        inputsRead();
        await aMayWrite;
      },
    });
    const b = createPromiseStore(h.knex, emitDocumentEvents);

    // Again while a pass of another suite's loop (same database) holds the lock and A's is skipped.
    let aPass = a.pass();
    while (!(await Promise.race([aRead.then(() => true), aPass.then(() => false)]))) aPass = a.pass();
    // The supply moves; replica B passes in full while A is between its read and its writes.
    await request(h.app).patch(`/purchase-orders/${po}`).set(as('admin')).send({ expectedAt: d2 }).expect(200);
    await b.pass();
    letAWrite();
    await aPass;
    // Both replicas keep passing until the date is the PO's current one, and a little longer.
    await eventually(async () => {
      await Promise.all([a.pass(), b.pass()]);
      return (await a.get(orderId)) === d2 ? true : undefined;
    });
    await Promise.all([a.pass(), b.pass(), a.pass(), b.pass()]);

    const events = await h.knex('webhook_events').where({ type: 'order.promise_changed' }).whereRaw("data->>'orderId' = ?", [orderId]).orderBy('id').pluck('data');
    expect(events).toEqual([
      { orderId, promisedAt: d1, previousPromisedAt: null },
      { orderId, promisedAt: d2, previousPromisedAt: d1 },
    ]);
    expect((await request(h.app).get(`/orders/${orderId}`).set(as('ops'))).body.promisedAt).toBe(d2);
  });

  it('an order that stops waiting and waits again announces its new promise under a new event id (it was dropped as a repeat)', async () => {
    const { warehouseId, sku } = await seedStock(h.app, 0);
    const orderId = await waitingOrder(h.app, sku);
    await request(h.app).post('/purchase-orders').set(as('admin')).send({ supplier: 'Acme', warehouseId, expectedAt: d1, lines: [{ sku, quantity: 2 }] }).expect(201);
    const store = createPromiseStore(h.knex, emitDocumentEvents);
    const until = async (want: string | null | undefined) =>
      eventually(async () => {
        await store.pass();
        return (await store.get(orderId)) === want ? true : undefined;
      });
    await until(d1);

    // A plain receipt fills it: it no longer waits, and keeps no promise.
    await request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId, sku, quantity: 1, reference: 'r' }).expect(201);
    await eventually(async () => ((await request(h.app).get(`/orders/${orderId}`).set(as('ops'))).body.status === 'picking' ? true : undefined));
    await until(undefined);
    // Held and edited to 2: one unit backordered, it waits again for the PO.
    await request(h.app).post(`/orders/${orderId}/holds`).set(as('support')).send({ reason: 'customer_request' }).expect(201);
    await eventually(async () => ((await request(h.app).get(`/orders/${orderId}`).set(as('ops'))).body.status === 'on_hold' ? true : undefined));
    await request(h.app).post(`/orders/${orderId}/edits`).set(as('support')).send({ lines: [{ sku, quantity: 2 }] }).expect(200);
    await until(d1);

    const events = await h.knex('webhook_events').where({ type: 'order.promise_changed' }).whereRaw("data->>'orderId' = ?", [orderId]).orderBy('id').select('id', 'data');
    expect(events).toEqual([
      { id: `promise:${orderId}:1`, data: { orderId, promisedAt: d1, previousPromisedAt: null } },
      { id: `promise:${orderId}:2`, data: { orderId, promisedAt: d1, previousPromisedAt: null } },
    ]);
    await request(h.app).post(`/orders/${orderId}/cancel`).set(as('support')).send({ reason: 'test done' }).expect(200);
  });
});
