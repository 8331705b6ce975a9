/**
 * Returns over HTTP (docs/design.md §13) against the real order and return workflows: simulated
 * warehouse and carrier deliver orders in well under a second.
 */
import request from 'supertest';
import { eventually } from './support/temporal';
import { as, orderBody, seedStock, startApi, uid, type ApiHarness, type TestApp } from './support/api-fixtures';
import { orderViewSchema } from '../api/schemas';
import { returnWorkflowId } from '../domain/types';

const FAST = { WAREHOUSE_MODE: 'simulated', CARRIER_MODE: 'simulated', SIMULATED_DELAY: '20ms' };

async function untilStatus(app: TestApp, path: string, status: string, timeoutMs = 20_000) {
  return eventually(async () => {
    const r = await request(app).get(path).set(as('ops'));
    return r.status === 200 && r.body.status === status ? r.body : undefined;
  }, timeoutMs);
}

async function deliveredOrder(h: ApiHarness, lines: Array<{ sku: string; quantity: number }>): Promise<string> {
  const orderId = uid('ord');
  await request(h.app).post('/orders').set(as('system')).send(orderBody(lines, { orderId })).expect(202);
  await untilStatus(h.app, `/orders/${orderId}`, 'delivered');
  return orderId;
}

const level = async (app: TestApp, sku: string, warehouseId: string) => {
  const r = await request(app).get(`/inventory/${sku}`).set(as('ops')).expect(200);
  return (r.body.levels as Array<{ warehouseId: string; onHand: number }>).find((l) => l.warehouseId === warehouseId)?.onHand ?? 0;
};

describe('API: returns (RETURN_TIMEOUT 10m)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: true, env: { ...FAST, RETURN_TIMEOUT: '10m' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('2 of 3 back: authorized; receipt of 1 restock + 1 damaged at another warehouse restocks 1 there; once', async () => {
    const { warehouseId: shippedFrom, sku } = await seedStock(h.app, 3, { priority: 1 });
    const { warehouseId: receivedAt } = await seedStock(h.app, 0, { sku, priority: 50 });
    const orderId = await deliveredOrder(h, [{ sku, quantity: 3 }]);

    const created = await request(h.app).post(`/orders/${orderId}/returns`).set(as('support')).send({ lines: [{ sku, quantity: 2 }], reason: 'too small' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ returnId: expect.stringMatching(/^ret-/), orderId, status: 'authorized', lines: [{ sku, quantity: 2 }], reason: 'too small', createdAt: expect.any(String) });
    const { returnId } = created.body;
    expect((await request(h.app).get(`/returns/${returnId}`).set(as('ops')).expect(200)).body.status).toBe('authorized');

    // One unit left to return.
    const tooMany = await request(h.app).post(`/orders/${orderId}/returns`).set(as('support')).send({ lines: [{ sku, quantity: 2 }], reason: 'more' });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body).toMatchObject({ error: 'return_exceeds_delivered', details: { lines: [{ sku, requested: 2, returnable: 1 }] } });

    // Roles: support authorizes, system receives.
    await request(h.app).post(`/orders/${orderId}/returns`).set(as('system')).send({ lines: [{ sku, quantity: 1 }], reason: 'x' }).expect(403);
    const receipt = { warehouseId: receivedAt, lines: [{ sku, quantity: 1, disposition: 'restock' }, { sku, quantity: 1, disposition: 'damaged' }] };
    await request(h.app).post(`/returns/${returnId}/receive`).set(as('support')).send(receipt).expect(403);
    const over = await request(h.app).post(`/returns/${returnId}/receive`).set(as('system')).send({ warehouseId: receivedAt, lines: [{ sku, quantity: 3, disposition: 'restock' }] });
    expect(over.status).toBe(422);
    const nowhere = await request(h.app).post(`/returns/${returnId}/receive`).set(as('system')).send({ ...receipt, warehouseId: 'wh-nope' });
    expect(nowhere.status).toBe(422);
    expect(nowhere.body.error).toBe('unknown_warehouse');

    const received = await request(h.app).post(`/returns/${returnId}/receive`).set(as('system')).send(receipt);
    expect(received.status).toBe(200);
    expect(received.body).toMatchObject({ returnId, orderId, status: 'received', warehouseId: receivedAt, inspected: receipt.lines, receivedAt: expect.any(String) });
    expect(await level(h.app, sku, receivedAt)).toBe(1);
    expect(await level(h.app, sku, shippedFrom)).toBe(0);

    // The same receipt again: the same answer, no stock change; another receipt does not fit.
    const again = await request(h.app).post(`/returns/${returnId}/receive`).set(as('system')).send(receipt);
    expect(again.status).toBe(200);
    expect(again.body.receivedAt).toBe(received.body.receivedAt);
    const other = await request(h.app).post(`/returns/${returnId}/receive`).set(as('admin')).send({ warehouseId: receivedAt, lines: [{ sku, quantity: 2, disposition: 'restock' }] });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ error: 'invalid_transition', details: { status: 'received' } });
    expect(await level(h.app, sku, receivedAt)).toBe(1);

    const moves = await request(h.app).get(`/inventory/${sku}/movements`).set(as('ops')).expect(200);
    const returns = (moves.body.movements as Array<{ kind: string; warehouseId: string; onHandDelta: number; idempotencyKey: string; reason: string; orderId: string }>).filter((m) => m.kind === 'return');
    expect(returns).toEqual([expect.objectContaining({ warehouseId: receivedAt, onHandDelta: 1, orderId, reason: `return ${returnId}`, idempotencyKey: expect.stringContaining(`${returnId}:receive`) })]);
    const rec = await request(h.app).get(`/inventory/reconciliation?skus=${sku}`).set(as('admin')).expect(200);
    expect(rec.body).toEqual({ ok: true, problems: [] });

    // The order's record: the return and its timeline; a return.received event committed with it.
    const order = await request(h.app).get(`/orders/${orderId}`).set(as('ops')).expect(200);
    expect(orderViewSchema.safeParse(order.body).success).toBe(true);
    expect(order.body.status).toBe('delivered');
    expect(order.body.returns).toEqual([expect.objectContaining({ returnId, status: 'received', lines: [{ sku, quantity: 2 }] })]);
    expect(order.body.history.map((e: { note?: string }) => e.note ?? '').filter((n: string) => n.startsWith(`return ${returnId}`))).toHaveLength(2);
    const events = await h.knex('webhook_events').where({ type: 'return.received' }).whereRaw(`data->>'returnId' = ?`, [returnId]);
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ orderId, returnId, warehouseId: receivedAt });

    // The return's workflow gone from Temporal: the record still answers.
    const handle = h.client.workflow.getHandle(returnWorkflowId(returnId));
    await handle.result();
    await h.client.workflowService.deleteWorkflowExecution({ namespace: h.client.options.namespace, workflowExecution: { workflowId: handle.workflowId } });
    // The server deletes asynchronously; the reads below never ask Temporal anyway.
    const after = await request(h.app).get(`/orders/${orderId}`).set(as('ops')).expect(200);
    expect(after.body.returns).toEqual([expect.objectContaining({ returnId, status: 'received' })]);
    expect((await request(h.app).get(`/returns/${returnId}`).set(as('ops')).expect(200)).body.status).toBe('received');
  });

  it('409 unless delivered, 404 unknown order or return, 422 a SKU the order lacks; an Idempotency-Key names one return', async () => {
    const { sku } = await seedStock(h.app, 0);
    const waiting = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 1 }], { orderId: waiting })).expect(202);
    await untilStatus(h.app, `/orders/${waiting}`, 'awaiting_stock');
    const early = await request(h.app).post(`/orders/${waiting}/returns`).set(as('support')).send({ lines: [{ sku, quantity: 1 }], reason: 'x' });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ error: 'invalid_transition', details: { status: 'awaiting_stock' } });
    await request(h.app).post(`/orders/${uid('nope')}/returns`).set(as('support')).send({ lines: [{ sku, quantity: 1 }], reason: 'x' }).expect(404);
    await request(h.app).get(`/returns/ret-nope`).set(as('ops')).expect(404);
    await request(h.app).post(`/returns/ret-nope/receive`).set(as('system')).send({ warehouseId: 'w', lines: [{ sku, quantity: 1, disposition: 'restock' }] }).expect(404);
    await request(h.app).post(`/orders/${waiting}/cancel`).set(as('support')).send({ reason: 'test over' }).expect(200);

    const stocked = await seedStock(h.app, 2);
    const orderId = await deliveredOrder(h, [{ sku: stocked.sku, quantity: 2 }]);
    const foreign = await request(h.app).post(`/orders/${orderId}/returns`).set(as('support')).send({ lines: [{ sku, quantity: 1 }], reason: 'x' });
    expect(foreign.status).toBe(422);
    expect(foreign.body.error).toBe('sku_not_in_order');

    const body = { lines: [{ sku: stocked.sku, quantity: 1 }], reason: 'broken' };
    const first = await request(h.app).post(`/orders/${orderId}/returns`).set(as('support')).set('Idempotency-Key', 'rma-1').send(body).expect(201);
    const second = await request(h.app).post(`/orders/${orderId}/returns`).set(as('support')).set('Idempotency-Key', 'rma-1').send(body).expect(201);
    expect(second.body.returnId).toBe(first.body.returnId);
    const conflict = await request(h.app).post(`/orders/${orderId}/returns`).set(as('support')).set('Idempotency-Key', 'rma-1').send({ ...body, reason: 'other' });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toBe('idempotency_conflict');
    const order = await request(h.app).get(`/orders/${orderId}`).set(as('ops')).expect(200);
    expect(order.body.returns).toHaveLength(1);
  });

  it('a restocked return wakes an order awaiting that SKU', async () => {
    const { sku, warehouseId } = await seedStock(h.app, 1);
    const orderId = await deliveredOrder(h, [{ sku, quantity: 1 }]);
    const waiting = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 1 }], { orderId: waiting })).expect(202);
    await untilStatus(h.app, `/orders/${waiting}`, 'awaiting_stock');
    const { returnId } = (await request(h.app).post(`/orders/${orderId}/returns`).set(as('support')).send({ lines: [{ sku, quantity: 1 }], reason: 'unwanted' }).expect(201)).body;
    await request(h.app).post(`/returns/${returnId}/receive`).set(as('system')).send({ warehouseId, lines: [{ sku, quantity: 1, disposition: 'restock' }] }).expect(200);
    // Well inside the periodic stock re-check: the stockArrived wake-up moved it.
    await untilStatus(h.app, `/orders/${waiting}`, 'delivered', 10_000);
  });

  it('two concurrent returns of the last unit: one 201, one 422', async () => {
    const { sku } = await seedStock(h.app, 1);
    const orderId = await deliveredOrder(h, [{ sku, quantity: 1 }]);
    const send = () => request(h.app).post(`/orders/${orderId}/returns`).set(as('support')).send({ lines: [{ sku, quantity: 1 }], reason: 'race' });
    const statuses = (await Promise.all([send(), send()])).map((r) => r.status).sort();
    expect(statuses).toEqual([201, 422]);
  });
});

describe('API: returns expire (RETURN_TIMEOUT 2s)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: true, env: { ...FAST, RETURN_TIMEOUT: '2s' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('an unreceived return expires and its units are returnable again; a late receipt is 409', async () => {
    const { sku, warehouseId } = await seedStock(h.app, 1);
    const orderId = await deliveredOrder(h, [{ sku, quantity: 1 }]);
    const created = await request(h.app).post(`/orders/${orderId}/returns`).set(as('support')).send({ lines: [{ sku, quantity: 1 }], reason: 'wrong colour' }).expect(201);
    const { returnId } = created.body;
    await request(h.app).post(`/orders/${orderId}/returns`).set(as('support')).send({ lines: [{ sku, quantity: 1 }], reason: 'again' }).expect(422);

    const expired = await untilStatus(h.app, `/returns/${returnId}`, 'expired', 15_000);
    expect(expired.expiredAt).toEqual(expect.any(String));
    const late = await request(h.app).post(`/returns/${returnId}/receive`).set(as('system')).send({ warehouseId, lines: [{ sku, quantity: 1, disposition: 'restock' }] });
    expect(late.status).toBe(409);
    expect(late.body.details.status).toBe('expired');

    await request(h.app).post(`/orders/${orderId}/returns`).set(as('support')).send({ lines: [{ sku, quantity: 1 }], reason: 'again' }).expect(201);
    const order = await request(h.app).get(`/orders/${orderId}`).set(as('ops')).expect(200);
    expect(order.body.returns.map((r: { status: string }) => r.status).sort()).toEqual(['authorized', 'expired']);
  });
});
