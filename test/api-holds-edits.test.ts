/**
 * Holds, edits and multi-fulfillment events over HTTP against the real order workflow.
 */
import request from 'supertest';
import { eventually } from './support/temporal';
import { as, orderBody, seedStock, startApi, uid, type ApiHarness, type TestApp } from './support/api-fixtures';
import { orderViewSchema } from '../api/schemas';

async function untilStatus(app: TestApp, orderId: string, status: string, timeoutMs = 20_000) {
  return eventually(async () => {
    const r = await request(app).get(`/orders/${orderId}`).set(as('ops'));
    return r.status === 200 && r.body.status === status ? r.body : undefined;
  }, timeoutMs);
}

// enabled when the fulfillment workflow lands
describe('API: holds, edits and fulfillments over HTTP (manual warehouse and carrier)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: true });
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function startOrder(lines: Array<{ sku: string; quantity: number }>) {
    const orderId = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody(lines, { orderId })).expect(202);
    return orderId;
  }

  it('two holds → on_hold until both are released; a re-sent POST with the same key places one hold', async () => {
    const { sku } = await seedStock(h.app, 5);
    const orderId = await startOrder([{ sku, quantity: 2 }]);
    await untilStatus(h.app, orderId, 'picking');

    const first = await request(h.app).post(`/orders/${orderId}/holds`).set(as('system')).set('Idempotency-Key', 'fraud-1').send({ reason: 'fraud_check', note: 'score 97' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ holdId: expect.stringMatching(/^hold-/), reason: 'fraud_check', note: 'score 97', placedAt: expect.any(String) });
    const again = await request(h.app).post(`/orders/${orderId}/holds`).set(as('system')).set('Idempotency-Key', 'fraud-1').send({ reason: 'fraud_check', note: 'score 97' });
    expect(again.body.holdId).toBe(first.body.holdId);
    const second = await request(h.app).post(`/orders/${orderId}/holds`).set(as('support')).send({ reason: 'address_verification' }).expect(201);

    const held = await untilStatus(h.app, orderId, 'on_hold');
    expect(orderViewSchema.safeParse(held).success).toBe(true);
    expect(held.holds.filter((x: { releasedAt?: string }) => !x.releasedAt)).toHaveLength(2);

    const afterFirst = await request(h.app).delete(`/orders/${orderId}/holds/${first.body.holdId}`).set(as('support')).expect(200);
    expect(afterFirst.body.status).toBe('on_hold');
    const unknown = await request(h.app).delete(`/orders/${orderId}/holds/hold-nope`).set(as('support'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('hold_not_found');
    await request(h.app).delete(`/orders/${orderId}/holds/${second.body.holdId}`).set(as('support')).expect(200);
    await untilStatus(h.app, orderId, 'picking');
  });

  it('a hold is refused from shipping on (409)', async () => {
    const { sku } = await seedStock(h.app, 5);
    const orderId = await startOrder([{ sku, quantity: 1 }]);
    await untilStatus(h.app, orderId, 'picking');
    await request(h.app).post(`/orders/${orderId}/events`).set(as('system')).send({ type: 'picked' }).expect(200);
    await request(h.app).post(`/orders/${orderId}/events`).set(as('system')).send({ type: 'packed' }).expect(200);
    // Manual carrier: the order waits in shipping for the carrier's first scan.
    await untilStatus(h.app, orderId, 'shipping');
    const res = await request(h.app).post(`/orders/${orderId}/holds`).set(as('support')).send({ reason: 'payment' });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('invalid_transition');
  });

  it('edit 5 → 2 while on hold releases the surplus; an unknown SKU is 422; once picking it is 409', async () => {
    const { sku } = await seedStock(h.app, 10);
    const orderId = await startOrder([{ sku, quantity: 5 }]);
    await untilStatus(h.app, orderId, 'picking');
    const placed = await request(h.app).post(`/orders/${orderId}/holds`).set(as('support')).send({ reason: 'customer_request' }).expect(201);
    await untilStatus(h.app, orderId, 'on_hold');

    const edited = await request(h.app).post(`/orders/${orderId}/edits`).set(as('support')).set('Idempotency-Key', 'edit-1').send({ lines: [{ sku, quantity: 2 }] });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ lines: [{ sku, quantity: 2 }], edits: 1 });
    const resent = await request(h.app).post(`/orders/${orderId}/edits`).set(as('support')).set('Idempotency-Key', 'edit-1').send({ lines: [{ sku, quantity: 2 }] });
    expect(resent.body.edits).toBe(1);
    const levels = await request(h.app).get(`/inventory/${sku}`).set(as('ops')).expect(200);
    expect(levels.body).toMatchObject({ reserved: 2, available: 8 });

    const unknownSku = await request(h.app).post(`/orders/${orderId}/edits`).set(as('support')).send({ lines: [{ sku: uid('NOPE'), quantity: 1 }] });
    expect(unknownSku.status).toBe(422);
    expect(unknownSku.body.error).toBe('unknown_sku');

    await request(h.app).delete(`/orders/${orderId}/holds/${placed.body.holdId}`).set(as('support')).expect(200);
    await untilStatus(h.app, orderId, 'picking');
    const late = await request(h.app).post(`/orders/${orderId}/edits`).set(as('support')).send({ shippingMethod: 'express' });
    expect(late.status).toBe(409);
  });

  it('two warehouses: an event without fulfillmentId is 422 fulfillment_required; an unknown one is 422 unknown_fulfillment', async () => {
    const a = await seedStock(h.app, 1);
    await seedStock(h.app, 1, { sku: a.sku, priority: 2 });
    const orderId = await startOrder([{ sku: a.sku, quantity: 2 }]);
    const view = await untilStatus(h.app, orderId, 'picking');
    expect(view.fulfillments).toHaveLength(2);

    const unnamed = await request(h.app).post(`/orders/${orderId}/events`).set(as('system')).send({ type: 'picked' });
    expect(unnamed.status).toBe(422);
    expect(unnamed.body.error).toBe('fulfillment_required');
    const unknown = await request(h.app).post(`/orders/${orderId}/events`).set(as('system')).send({ type: 'picked', fulfillmentId: 'f-nope' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toBe('unknown_fulfillment');
    const named = await request(h.app).post(`/orders/${orderId}/events`).set(as('system')).send({ type: 'picked', fulfillmentId: view.fulfillments[0].fulfillmentId });
    expect(named.status).toBe(200);
  });
});
