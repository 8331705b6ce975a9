import request from 'supertest';
import { eventually } from './support/temporal';
import { as, orderBody, seedStock, startApi, uid, type ApiHarness, type TestApp } from './support/api-fixtures';
import { orderViewSchema, reconciliationSchema } from '../api/schemas';

/** Polls GET /orders/:id until the order shows `status`. */
async function untilStatus(app: TestApp, orderId: string, status: string, timeoutMs = 20_000) {
  return eventually(async () => {
    const r = await request(app).get(`/orders/${orderId}`).set(as('ops'));
    return r.status === 200 && r.body.status === status ? r.body : undefined;
  }, timeoutMs);
}

describe('API: order lifecycle over HTTP (manual warehouse and carrier)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: true });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const post = (orderId: string, action: string, body?: object, role: 'system' | 'support' | 'admin' = 'system') => {
    const req = request(h.app).post(`/orders/${orderId}/${action}`).set(as(role));
    return body === undefined ? req : req.send(body);
  };

  async function startOrder(quantity: number, stock: number) {
    const seeded = await seedStock(h.app, stock);
    const orderId = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku: seeded.sku, quantity }], { orderId })).expect(202);
    return { ...seeded, orderId };
  }

  it('drives an order to delivered entirely over HTTP', async () => {
    const { orderId, sku } = await startOrder(2, 5);
    await untilStatus(h.app, orderId, 'picking');

    const early = await post(orderId, 'events', { type: 'packed' });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ error: 'invalid_transition', status: 'picking', details: { status: 'picking' } });

    const picked = await post(orderId, 'events', { type: 'picked' });
    expect(picked.status).toBe(200);
    expect(picked.body).toMatchObject({ orderId, status: 'packing' });
    const again = await post(orderId, 'events', { type: 'picked' });
    expect(again.status).toBe(200); // a repeat of what already happened is a no-op
    expect(again.body.status).toBe('packing');

    const packed = await post(orderId, 'events', { type: 'packed' });
    expect(packed.status).toBe(200);
    expect(packed.body.status).toBe('shipping');

    const shipped = await post(orderId, 'events', { type: 'shipped', carrier: 'DHL', trackingNumber: 'JD0001' });
    expect(shipped.status).toBe(200);
    expect(shipped.body).toMatchObject({ status: 'shipped', shipment: { carrier: 'DHL', trackingNumber: 'JD0001' } });

    const tooLate = await post(orderId, 'cancel', { reason: 'changed my mind' }, 'support');
    expect(tooLate.status).toBe(409);
    expect(tooLate.body).toMatchObject({ error: 'invalid_transition', status: 'shipped' });

    const delivered = await post(orderId, 'events', { type: 'delivered' });
    expect(delivered.status).toBe(200);
    expect(orderViewSchema.safeParse(delivered.body).error).toBeUndefined();
    expect(delivered.body.status).toBe('delivered');
    expect(delivered.body.shipment.deliveredAt).toEqual(expect.any(String));

    // Closed: the view still answers (replayed), further updates are 409 with the final status.
    const view = await untilStatus(h.app, orderId, 'delivered');
    expect(view.history.map((e: { status: string }) => e.status)).toEqual(
      expect.arrayContaining(['received', 'reserved', 'picking', 'packing', 'shipping', 'shipped', 'delivered']),
    );
    // Once the workflow has closed, a (repeat) event can no longer be a no-op: 409 with the final status.
    await eventually(async () => ((await h.client.workflow.getHandle(`order-${orderId}`).describe()).status.name === 'COMPLETED' ? true : undefined));
    const closedView = await request(h.app).get(`/orders/${orderId}`).set(as('ops')); // the query replays the closed workflow
    expect(closedView.status).toBe(200);
    expect(closedView.body.status).toBe('delivered');
    const afterClose = await post(orderId, 'events', { type: 'picked' });
    expect(afterClose.status).toBe(409);
    expect(afterClose.body).toMatchObject({ error: 'invalid_transition', status: 'delivered' });
    const cancelClosed = await post(orderId, 'cancel', { reason: 'x' }, 'support');
    expect(cancelClosed.status).toBe(409);
    expect(cancelClosed.body).toMatchObject({ error: 'invalid_transition', status: 'delivered' });

    const level = await request(h.app).get(`/inventory/${sku}`).set(as('ops')).expect(200);
    expect(level.body).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
  });

  it('cancels over HTTP: 200 {orderId, status: "cancelled"}, the stock is available again', async () => {
    const { orderId, sku, warehouseId } = await startOrder(3, 4);
    await untilStatus(h.app, orderId, 'picking');
    expect((await request(h.app).get(`/inventory/${sku}`).set(as('ops'))).body).toMatchObject({ reserved: 3, available: 1 });
    // on hand may not drop below what is reserved
    const below = await request(h.app).post('/inventory/adjustments').set(as('admin')).send({ warehouseId, sku, delta: -2, reason: 'recount' });
    expect(below.status).toBe(409);
    expect(below.body.error).toBe('insufficient_stock');

    const res = await post(orderId, 'cancel', { reason: 'customer called' }, 'support');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ orderId, status: 'cancelled', cancelReason: 'customer called', allocations: [] });

    expect(orderViewSchema.safeParse(res.body).success).toBe(true);
    const level = await request(h.app).get(`/inventory/${sku}`).set(as('ops')).expect(200);
    expect(level.body).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
    const movements = await request(h.app).get(`/inventory/${sku}/movements`).set(as('ops')).expect(200);
    expect(movements.body.movements.map((m: { kind: string }) => m.kind)).toEqual(['release', 'reserve', 'receipt']);
    expect(movements.body.movements[0]).toMatchObject({ orderId, reservedDelta: -3 });
    const reconciliation = await request(h.app).get('/inventory/reconciliation').query({ skus: sku }).set(as('ops')).expect(200);
    expect(reconciliationSchema.parse(reconciliation.body)).toEqual({ ok: true, problems: [] });

    const twice = await post(orderId, 'cancel', { reason: 'again' }, 'support');
    expect(twice.status).toBe(409);
    expect(twice.body.status).toBe('cancelled');
    const retry = await post(orderId, 'retry', undefined, 'support');
    expect(retry.status).toBe(409);
    expect((await request(h.app).get(`/orders/${orderId}`).set(as('ops'))).body.status).toBe('cancelled');
  });

  it('retry: 409 unless needs_attention; after pick_failed, 202 and the pick runs again', async () => {
    const { orderId } = await startOrder(1, 2);
    await untilStatus(h.app, orderId, 'picking');
    const notYet = await post(orderId, 'retry', undefined, 'support');
    expect(notYet.status).toBe(409);
    expect(notYet.body).toMatchObject({ error: 'invalid_transition', status: 'picking' });

    const failed = await post(orderId, 'events', { type: 'pick_failed', reason: 'shelf empty' });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ status: 'needs_attention', failedStep: 'pick', lastError: { message: 'shelf empty' } });

    const retried = await post(orderId, 'retry', {}, 'support');
    expect(retried.status).toBe(202);
    expect(retried.body.orderId).toBe(orderId);
    expect(retried.body.status).not.toBe('needs_attention');
    await untilStatus(h.app, orderId, 'picking');
    await post(orderId, 'events', { type: 'picked' }).expect(200);
  });

  it('a receipt wakes an order awaiting stock', async () => {
    const { orderId, sku, warehouseId } = await startOrder(3, 1);
    const waiting = await untilStatus(h.app, orderId, 'awaiting_stock');
    expect(waiting.backordered).toEqual([{ sku, quantity: 2 }]);
    await request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId, sku, quantity: 2 }).expect(201);
    const picking = await untilStatus(h.app, orderId, 'picking', 10_000);
    expect(picking.backordered).toEqual([]);
    expect((await request(h.app).get(`/inventory/${sku}`).set(as('ops'))).body).toMatchObject({ onHand: 3, reserved: 3, available: 0 });
  });

  it('unknown orders: cancel, retry and events → 404; bad event bodies → 400 before Temporal', async () => {
    const missing = uid('nope');
    expect((await post(missing, 'cancel', { reason: 'x' }, 'support')).status).toBe(404);
    expect((await post(missing, 'retry', undefined, 'support')).status).toBe(404);
    expect((await post(missing, 'events', { type: 'picked' })).status).toBe(404);

    const shippedNoTracking = await post(missing, 'events', { type: 'shipped', carrier: 'DHL' });
    expect(shippedNoTracking.status).toBe(400);
    expect(shippedNoTracking.body.details).toEqual([expect.objectContaining({ in: 'body', path: 'trackingNumber' })]);
    expect((await post(missing, 'events', { type: 'teleported' })).status).toBe(400);
    expect((await post(missing, 'events', { type: 'picked', status: 'delivered' })).status).toBe(400);
    expect((await post(missing, 'cancel', {}, 'support')).status).toBe(400);
    expect((await post(missing, 'cancel', undefined, 'support')).status).toBe(400);
    expect((await post(missing, 'retry', { force: true }, 'support')).status).toBe(400);
  });
});

describe('API: orders without a worker', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: false, timeouts: { queryMs: 1_000, updateMs: 1_500 } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('GET /orders/:id and GET /orders answer from the record with no worker; updates → 503', async () => {
    const { sku } = await seedStock(h.app, 1);
    const orderId = uid('ord');
    const customerId = uid('cust');
    const body = orderBody([{ sku, quantity: 1 }], { orderId, customer: { id: customerId } });
    await request(h.app).post('/orders').set(as('system')).send(body).expect(202);
    const res = await request(h.app).get(`/orders/${orderId}`).set(as('ops'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ orderId, status: 'received', lines: [{ sku, quantity: 1 }], customer: { id: customerId } });
    // Listed at once (read-your-writes), with no visibility lag.
    const listed = await request(h.app).get(`/orders?customerId=${customerId}`).set(as('ops')).expect(200);
    expect(listed.body.orders.map((o: { orderId: string }) => o.orderId)).toEqual([orderId]);
    const cancel = await request(h.app).post(`/orders/${orderId}/cancel`).set(as('support')).send({ reason: 'x' });
    expect(cancel.status).toBe(503);
    await h.client.workflow.getHandle(`order-${orderId}`).terminate('test cleanup');
  });
});
