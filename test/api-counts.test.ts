/**
 * Counts over HTTP (docs/design.md §16) against the real order workflow and Postgres: as-of
 * comparison, auto-apply and approval, rejection, repeats, bad input, and a shortfall that
 * takes units from an order's hold and makes the order re-allocate them.
 */
import request from 'supertest';
import { eventually } from './support/temporal';
import { API_KEYS_ENV, as, orderBody, seedStock, startApi, uid, type ApiHarness, type TestApp } from './support/api-fixtures';
import { statusQuery } from '../workflows/order/messages';
import { orderWorkflowId } from '../domain/types';

// A warehouse key (docs/design.md §20) counts at its own warehouse only.
const WH_SCOPED = uid('wh-cnt');
const WH_KEY = `key-wh-cnt-${uid('k')}`;
const FAST = { WAREHOUSE_MODE: 'simulated', CARRIER_MODE: 'simulated', SIMULATED_DELAY: '20ms', API_KEYS: `${API_KEYS_ENV},${WH_KEY}:system/warehouse=${WH_SCOPED}` };

const level = async (app: TestApp, sku: string, warehouseId: string) => {
  const r = await request(app).get(`/inventory/${sku}`).set(as('ops')).expect(200);
  const l = (r.body.levels as Array<{ warehouseId: string; onHand: number; reserved: number }>).find((x) => x.warehouseId === warehouseId);
  return { onHand: l?.onHand ?? 0, reserved: l?.reserved ?? 0 };
};

const untilStatus = (app: TestApp, orderId: string, status: string) =>
  eventually(async () => {
    const r = await request(app).get(`/orders/${orderId}`).set(as('ops'));
    return r.status === 200 && r.body.status === status ? r.body : undefined;
  });

const reconciled = async (app: TestApp, sku: string) => (await request(app).get(`/inventory/reconciliation?skus=${sku}`).set(as('admin')).expect(200)).body;

describe('API: counts as of their time (simulated warehouse and carrier)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: true, env: FAST });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('a report as of t0 does not undo a later shipment; now 7 → 7; 20 waits for approval; a rejected count moves nothing; repeats', async () => {
    const { warehouseId, sku } = await seedStock(h.app, 10);
    const t0 = new Date(Date.now() + 5).toISOString();
    await new Promise((r) => setTimeout(r, 10)); // t0 strictly before the order's movements
    const orderId = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 2 }], { orderId })).expect(202);
    await untilStatus(h.app, orderId, 'delivered');
    expect(await level(h.app, sku, warehouseId)).toEqual({ onHand: 8, reserved: 0 });

    // The 3PL's report as of t0 says 10: it did not know of the 2 shipped since.
    const report = { countId: uid('cnt'), warehouseId, countedAt: t0, source: 'warehouse_report', lines: [{ sku, counted: 10 }] };
    const first = await request(h.app).post('/counts').set(as('system')).send(report);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ countId: report.countId, status: 'applied', lines: [{ sku, counted: 10, expected: 10, variance: 0 }], reallocated: [] });
    expect(await level(h.app, sku, warehouseId)).toEqual({ onHand: 8, reserved: 0 });

    // The same count again: 200, the same count; another body under its id: 409, nothing moves.
    const again = await request(h.app).post('/counts').set(as('system')).send(report);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const other = await request(h.app).post('/counts').set(as('system')).send({ ...report, lines: [{ sku, counted: 3 }] });
    expect(other.status).toBe(409);
    expect(other.body.error).toBe('idempotency_conflict');
    expect(await level(h.app, sku, warehouseId)).toEqual({ onHand: 8, reserved: 0 });

    const now7 = await request(h.app).post('/counts').set(as('admin')).send({ warehouseId, countedAt: new Date().toISOString(), source: 'cycle_count', lines: [{ sku, counted: 7 }] });
    expect(now7.status).toBe(201);
    expect(now7.body).toMatchObject({ status: 'applied', lines: [{ sku, counted: 7, expected: 8, variance: -1 }] });
    expect(await level(h.app, sku, warehouseId)).toEqual({ onHand: 7, reserved: 0 });

    const big = await request(h.app).post('/counts').set(as('system')).send({ warehouseId, countedAt: new Date().toISOString(), source: 'cycle_count', lines: [{ sku, counted: 20 }] });
    expect(big.status).toBe(201);
    expect(big.body).toMatchObject({ status: 'pending_approval', lines: [{ sku, counted: 20, expected: 7, variance: 13 }] });
    expect(await level(h.app, sku, warehouseId)).toEqual({ onHand: 7, reserved: 0 });
    const pending = await request(h.app).get(`/counts?warehouseId=${warehouseId}&status=pending_approval`).set(as('ops')).expect(200);
    expect(pending.body.counts.map((c: { countId: string }) => c.countId)).toEqual([big.body.countId]);

    await request(h.app).post(`/counts/${big.body.countId}/approve`).set(as('system')).expect(403);
    const approved = await request(h.app).post(`/counts/${big.body.countId}/approve`).set(as('admin'));
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'applied', lines: [{ sku, counted: 20, expected: 7, variance: 13 }], decidedAt: expect.any(String) });
    expect(await level(h.app, sku, warehouseId)).toEqual({ onHand: 20, reserved: 0 });
    const twice = await request(h.app).post(`/counts/${big.body.countId}/approve`).set(as('admin'));
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ error: 'invalid_transition', details: { status: 'applied' } });

    const wrong = await request(h.app).post('/counts').set(as('system')).send({ warehouseId, countedAt: new Date().toISOString(), source: 'cycle_count', lines: [{ sku, counted: 0 }] });
    expect(wrong.body.status).toBe('pending_approval');
    const rejected = await request(h.app).post(`/counts/${wrong.body.countId}/reject`).set(as('admin')).send({ reason: 'miscounted bin' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectionReason: 'miscounted bin' });
    await request(h.app).post(`/counts/${wrong.body.countId}/approve`).set(as('admin')).expect(409);
    expect(await level(h.app, sku, warehouseId)).toEqual({ onHand: 20, reserved: 0 });
    expect((await request(h.app).get(`/counts/${wrong.body.countId}`).set(as('ops')).expect(200)).body.status).toBe('rejected');

    // One `count` movement per applied line with a variance, named after its count.
    const moves = await request(h.app).get(`/inventory/${sku}/movements`).set(as('ops')).expect(200);
    const counts = (moves.body.movements as Array<{ kind: string; onHandDelta: number; reason: string; idempotencyKey: string }>).filter((m) => m.kind === 'count');
    expect(counts.map((m) => [m.onHandDelta, m.reason, m.idempotencyKey])).toEqual([
      [13, `count ${big.body.countId}`, `count:${big.body.countId}:${sku}`],
      [-1, `count ${now7.body.countId}`, `count:${now7.body.countId}:${sku}`],
    ]);
    const events = await h.knex('webhook_events').where({ type: 'inventory.count_applied' }).whereRaw(`data->>'warehouseId' = ?`, [warehouseId]);
    expect(events.map((e: { data: { countId: string } }) => e.data.countId).sort()).toEqual([report.countId, now7.body.countId, big.body.countId].sort());
    expect(await reconciled(h.app, sku)).toEqual({ ok: true, problems: [] });
  });

  it('a warehouse key counts and reads at its own warehouse only; another warehouse → 403 and nothing moves; it cannot approve', async () => {
    const key = { Authorization: `Bearer ${WH_KEY}` };
    const { sku } = await seedStock(h.app, 5, { warehouseId: WH_SCOPED });
    const { warehouseId: other } = await seedStock(h.app, 5, { sku });
    const body = (warehouseId: string, counted: number) => ({ warehouseId, countedAt: new Date().toISOString(), source: 'cycle_count', lines: [{ sku, counted }] });

    const foreign = await request(h.app).post('/counts').set(key).send(body(other, 4));
    expect(foreign.status).toBe(403);
    expect(foreign.body.error).toBe('forbidden');
    expect(await level(h.app, sku, other)).toEqual({ onHand: 5, reserved: 0 });

    const own = await request(h.app).post('/counts').set(key).send(body(WH_SCOPED, 4));
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ warehouseId: WH_SCOPED, status: 'applied', lines: [{ sku, counted: 4, expected: 5, variance: -1 }] });
    expect(await level(h.app, sku, WH_SCOPED)).toEqual({ onHand: 4, reserved: 0 });

    const elsewhere = await request(h.app).post('/counts').set(as('admin')).send(body(other, 30));
    expect(elsewhere.body.status).toBe('pending_approval');
    await request(h.app).get(`/counts/${own.body.countId}`).set(key).expect(200);
    expect((await request(h.app).get(`/counts/${elsewhere.body.countId}`).set(key)).status).toBe(403);
    const listed = await request(h.app).get('/counts?limit=200').set(key).expect(200);
    expect(listed.body.counts.length).toBeGreaterThan(0);
    expect(listed.body.counts.every((c: { warehouseId: string }) => c.warehouseId === WH_SCOPED)).toBe(true);
    expect((await request(h.app).get(`/counts?warehouseId=${other}`).set(key).expect(200)).body.counts).toEqual([]);

    expect((await request(h.app).post(`/counts/${elsewhere.body.countId}/approve`).set(key)).status).toBe(403);
    expect(await level(h.app, sku, other)).toEqual({ onHand: 5, reserved: 0 });
    await request(h.app).post(`/counts/${elsewhere.body.countId}/reject`).set(as('admin')).send({}).expect(200);
  });

  it("a transfer's hold is never taken by a count: a count that would need its units → 409 insufficient_stock, nothing moves", async () => {
    const { warehouseId: a, sku } = await seedStock(h.app, 4);
    const { warehouseId: b } = await seedStock(h.app, 0, { sku });
    await request(h.app).post('/transfers').set(as('admin')).send({ fromWarehouseId: a, toWarehouseId: b, lines: [{ sku, quantity: 3 }] }).expect(201);
    await eventually(async () => ((await level(h.app, sku, a)).reserved === 3 ? true : undefined));
    const count = await request(h.app).post('/counts').set(as('admin')).send({ warehouseId: a, countedAt: new Date().toISOString(), source: 'cycle_count', lines: [{ sku, counted: 2 }] });
    expect(count.status).toBe(409);
    expect(count.body.error).toBe('insufficient_stock');
    expect(await level(h.app, sku, a)).toEqual({ onHand: 4, reserved: 3 });
    // A count that leaves the transfer its units is applied.
    const fine = await request(h.app).post('/counts').set(as('admin')).send({ warehouseId: a, countedAt: new Date().toISOString(), source: 'cycle_count', lines: [{ sku, counted: 3 }] });
    expect(fine.status).toBe(201);
    expect(fine.body).toMatchObject({ status: 'applied', reallocated: [] });
    expect(await level(h.app, sku, a)).toEqual({ onHand: 3, reserved: 3 });
    expect(await reconciled(h.app, sku)).toMatchObject({ ok: true });
  });

  it('bad input names the field and moves nothing', async () => {
    const { warehouseId, sku } = await seedStock(h.app, 4);
    const base = { warehouseId, countedAt: new Date().toISOString(), source: 'cycle_count', lines: [{ sku, counted: 3 }] };
    const post = (body: unknown, role: 'system' | 'support' = 'system') => request(h.app).post('/counts').set(as(role)).send(body as object);

    expect((await post(base, 'support')).status).toBe(403);
    const future = await post({ ...base, countedAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(future.status).toBe(422);
    expect(future.body).toMatchObject({ error: 'invalid_counted_at', details: { field: 'countedAt' } });
    const old = await post({ ...base, countedAt: new Date(Date.now() - 8 * 86_400_000).toISOString() });
    expect(old.status).toBe(422);
    expect(old.body).toMatchObject({ error: 'invalid_counted_at', details: { field: 'countedAt' } });
    const negative = await post({ ...base, lines: [{ sku, counted: -1 }] });
    expect(negative.status).toBe(422);
    expect(negative.body).toMatchObject({ error: 'negative_count', details: { field: 'lines.0.counted' } });
    const fractional = await post({ ...base, lines: [{ sku, counted: 1.5 }] });
    expect(fractional.status).toBe(400);
    expect(fractional.body.details).toEqual([expect.objectContaining({ in: 'body', path: 'lines.0.counted' })]);
    const duplicate = await post({ ...base, lines: [{ sku, counted: 1 }, { sku, counted: 2 }] });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.details).toEqual([expect.objectContaining({ path: 'lines.1.sku' })]);
    const nowhere = await post({ ...base, warehouseId: uid('wh') });
    expect(nowhere.status).toBe(422);
    expect(nowhere.body).toMatchObject({ error: 'unknown_warehouse', details: { field: 'warehouseId' } });
    const unknown = await post({ ...base, lines: [{ sku, counted: 1 }, { sku: uid('SKU'), counted: 1 }] });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ error: 'unknown_sku', details: { field: 'lines.1.sku' } });
    await request(h.app).get(`/counts/${uid('cnt')}`).set(as('ops')).expect(404);
    await request(h.app).post(`/counts/${uid('cnt')}/reject`).set(as('admin')).expect(404);

    expect(await level(h.app, sku, warehouseId)).toEqual({ onHand: 4, reserved: 0 });
    expect((await request(h.app).get(`/counts?warehouseId=${warehouseId}`).set(as('ops')).expect(200)).body.counts).toEqual([]);
  });
});

describe('API: a count shortfall re-allocates held units (manual warehouse)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: true });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('A 4, B 4, an order holds 3 at A in picking; a count of 1 at A → A holds 1, the other 2 move to B', async () => {
    const { warehouseId: a, sku } = await seedStock(h.app, 4, { priority: 1 });
    const { warehouseId: b } = await seedStock(h.app, 4, { sku, priority: 2 });
    const orderId = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 3 }], { orderId })).expect(202);
    const picking = await untilStatus(h.app, orderId, 'picking');
    expect(picking.allocations).toEqual([{ warehouseId: a, sku, quantity: 3 }]);

    const countBody = { warehouseId: a, countedAt: new Date().toISOString(), source: 'cycle_count', lines: [{ sku, counted: 1 }] };
    const count = await request(h.app).post('/counts').set(as('system')).send(countBody);
    expect(count.status).toBe(201);
    expect(count.body).toMatchObject({ status: 'applied', lines: [{ sku, counted: 1, expected: 4, variance: -3 }], reallocated: [{ orderId, sku, quantity: 2 }] });
    const atA = await level(h.app, sku, a);
    expect(atA.onHand).toBe(1);
    expect(atA.reserved).toBeLessThanOrEqual(1);

    // The order holds (or backorders) exactly 3: 1 still at A, 2 now at B.
    const view = await eventually(async () => {
      const r = await request(h.app).get(`/orders/${orderId}`).set(as('ops'));
      const held = (r.body.allocations as Array<{ warehouseId: string; quantity: number }>) ?? [];
      return held.some((x) => x.warehouseId === b) ? r.body : undefined;
    });
    expect([...view.allocations].sort((x: { warehouseId: string }, y: { warehouseId: string }) => (x.warehouseId === a ? -1 : y.warehouseId === a ? 1 : 0))).toEqual([
      { warehouseId: a, sku, quantity: 1 },
      { warehouseId: b, sku, quantity: 2 },
    ]);
    expect(view.backordered).toEqual([]);
    expect(await level(h.app, sku, a)).toEqual({ onHand: 1, reserved: 1 });
    expect(await level(h.app, sku, b)).toEqual({ onHand: 4, reserved: 2 });
    const atAFulfillment = view.fulfillments.find((f: { warehouseId: string }) => f.warehouseId === a);
    expect(atAFulfillment.lines).toEqual([{ sku, quantity: 1 }]);
    await eventually(async () => {
      const r = await request(h.app).get(`/orders/${orderId}`).set(as('ops'));
      return r.body.fulfillments.some((f: { warehouseId: string }) => f.warehouseId === b) ? true : undefined;
    });
    // The same count again: 200, its signal repeated, and the order re-allocates nothing twice.
    const repeat = await request(h.app).post('/counts').set(as('system')).send({ ...countBody, countId: count.body.countId });
    expect(repeat.status).toBe(200);
    // The status query runs after the workflow has taken in the signal delivered before it.
    const live = await h.client.workflow.getHandle(orderWorkflowId(orderId)).query(statusQuery);
    const history = live.history as Array<{ note?: string }>;
    expect(history.filter((e) => e.note?.startsWith(`count ${count.body.countId}`))).toHaveLength(1);
    expect(await level(h.app, sku, b)).toEqual({ onHand: 4, reserved: 2 });
    expect(await reconciled(h.app, sku)).toEqual({ ok: true, problems: [] });
    await request(h.app).post(`/orders/${orderId}/cancel`).set(as('support')).send({ reason: 'test over' }).expect(200);
  });

  it('on hold, a count of 0 at A takes the whole hold: the idle fulfillment there is cancelled, the units move to B, released it picks at B', async () => {
    const { warehouseId: a, sku } = await seedStock(h.app, 4, { priority: 1 });
    const { warehouseId: b } = await seedStock(h.app, 4, { sku, priority: 2 });
    const orderId = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 3 }], { orderId })).expect(202);
    await untilStatus(h.app, orderId, 'picking');
    await request(h.app).post(`/orders/${orderId}/holds`).set(as('support')).send({ reason: 'fraud_check' }).expect(201);
    await untilStatus(h.app, orderId, 'on_hold');

    const count = await request(h.app).post('/counts').set(as('system')).send({ warehouseId: a, countedAt: new Date().toISOString(), source: 'cycle_count', lines: [{ sku, counted: 0 }] });
    expect(count.body).toMatchObject({ status: 'applied', reallocated: [{ orderId, sku, quantity: 3 }] });
    const moved = await eventually(async () => {
      const r = await request(h.app).get(`/orders/${orderId}`).set(as('ops'));
      return r.body.allocations.some((x: { warehouseId: string }) => x.warehouseId === b) ? r.body : undefined;
    });
    expect(moved.allocations).toEqual([{ warehouseId: b, sku, quantity: 3 }]);
    expect(moved.fulfillments.find((f: { warehouseId: string }) => f.warehouseId === a)).toMatchObject({ status: 'cancelled', reason: expect.stringContaining(count.body.countId) });

    const holdId = moved.holds[0].holdId;
    await request(h.app).delete(`/orders/${orderId}/holds/${holdId}`).set(as('support')).expect(200);
    const picking = await untilStatus(h.app, orderId, 'picking');
    expect(picking.fulfillments.filter((f: { status: string }) => f.status !== 'cancelled')).toEqual([expect.objectContaining({ warehouseId: b, lines: [{ sku, quantity: 3 }] })]);
    expect(await level(h.app, sku, a)).toEqual({ onHand: 0, reserved: 0 });
    expect(await reconciled(h.app, sku)).toEqual({ ok: true, problems: [] });
    await request(h.app).post(`/orders/${orderId}/cancel`).set(as('support')).send({ reason: 'test over' }).expect(200);
  });
});
