import request from 'supertest';
import { as, seedStock, startApi, uid, type ApiHarness } from './support/api-fixtures';

describe('API: catalog and inventory', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi();
  });
  afterAll(async () => {
    await h?.stop();
  });

  describe('warehouses', () => {
    it('PUT creates (201) then updates (200); GET lists them', async () => {
      const id = uid('wh');
      const created = await request(h.app).put(`/warehouses/${id}`).set(as('admin')).send({ name: 'North', priority: 5 });
      expect(created.status).toBe(201);
      expect(created.headers.location).toBe(`/warehouses/${id}`);
      expect(created.body).toEqual({ id, name: 'North', priority: 5, active: true, fulfillmentUrl: null });

      const updated = await request(h.app).put(`/warehouses/${id}`).set(as('admin')).send({ name: 'North 2', active: false });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ id, name: 'North 2', active: false });

      const list = await request(h.app).get('/warehouses').set(as('ops')).expect(200);
      expect(list.body.warehouses).toEqual(expect.arrayContaining([expect.objectContaining({ id, name: 'North 2', active: false })]));
    });

    it('refuses unknown fields and bad ids', async () => {
      const bad = await request(h.app).put(`/warehouses/${uid('wh')}`).set(as('admin')).send({ name: 'X', capacity: 3 }).expect(400);
      expect(bad.body.details).toEqual([expect.objectContaining({ in: 'body', path: 'capacity', message: 'unknown field' })]);
      const badId = await request(h.app).put('/warehouses/-bad').set(as('admin')).send({ name: 'X' }).expect(400);
      expect(badId.body.details[0]).toMatchObject({ in: 'path', path: 'id' });
    });
  });

  describe('skus', () => {
    it('PUT creates (201) then updates (200); GET reads; unknown → 404', async () => {
      const sku = uid('SKU');
      const created = await request(h.app).put(`/skus/${sku}`).set(as('admin')).send({ name: 'Widget', reorderPoint: 3 }).expect(201);
      expect(created.body).toEqual({ sku, name: 'Widget', reorderPoint: 3, safetyStock: 0 });
      await request(h.app).put(`/skus/${sku}`).set(as('admin')).send({ name: 'Widget v2' }).expect(200);
      const got = await request(h.app).get(`/skus/${sku}`).set(as('support')).expect(200);
      expect(got.body).toMatchObject({ sku, name: 'Widget v2' });
      const missing = await request(h.app).get(`/skus/${uid('NOPE')}`).set(as('support')).expect(404);
      expect(missing.body.error).toBe('not_found');
    });

    it('reserves the words that are routes under /inventory', async () => {
      const res = await request(h.app).put('/skus/alerts').set(as('admin')).send({ name: 'X' }).expect(400);
      expect(res.body.details[0]).toMatchObject({ in: 'path', path: 'sku' });
    });
  });

  describe('receipts and adjustments', () => {
    it('a receipt answers 201 with the new level; GET /inventory/:sku shows totals and per-warehouse lines', async () => {
      const { warehouseId, sku } = await seedStock(h.app, 0);
      const other = await seedStock(h.app, 0, { sku, priority: 2 });
      const r1 = await request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId, sku, quantity: 7, reference: 'PO-1' }).expect(201);
      expect(r1.body).toEqual({ sku, warehouseId, onHand: 7, reserved: 0, available: 7 });
      await request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId: other.warehouseId, sku, quantity: 3 }).expect(201);
      const levels = await request(h.app).get(`/inventory/${sku}`).set(as('ops')).expect(200);
      expect(levels.body).toEqual({
        sku,
        onHand: 10,
        reserved: 0,
        available: 10,
        // docs/design.md §15: nothing incoming or in transit.
        incoming: 0,
        inTransit: 0,
        supply: [],
        levels: expect.arrayContaining([
          { warehouseId, onHand: 7, reserved: 0, available: 7, incoming: 0, inTransit: 0 },
          { warehouseId: other.warehouseId, onHand: 3, reserved: 0, available: 3, incoming: 0, inTransit: 0 },
        ]),
      });
    });

    it('Idempotency-Key: a repeat changes nothing; the same key with another body is 409', async () => {
      const { warehouseId, sku } = await seedStock(h.app, 0);
      const key = uid('rcpt');
      const send = (quantity: number) =>
        request(h.app).post('/inventory/receipts').set(as('admin')).set('Idempotency-Key', key).send({ warehouseId, sku, quantity });
      expect((await send(5)).status).toBe(201);
      const again = await send(5);
      expect(again.status).toBe(201);
      expect(again.body.onHand).toBe(5);
      const conflict = await send(6);
      expect(conflict.status).toBe(409);
      expect(conflict.body.error).toBe('idempotency_conflict');
      expect((await request(h.app).get(`/inventory/${sku}`).set(as('ops'))).body.onHand).toBe(5);
      const badKey = await request(h.app).post('/inventory/receipts').set(as('admin')).set('Idempotency-Key', 'has space').send({ warehouseId, sku, quantity: 1 });
      expect(badKey.status).toBe(400);
      expect(badKey.body.details[0]).toMatchObject({ in: 'header', path: 'Idempotency-Key' });
    });

    it('adjustments: 201 with the new level; 409 insufficient_stock below zero; Idempotency-Key repeat is a no-op', async () => {
      const { warehouseId, sku } = await seedStock(h.app, 4);
      const key = uid('adj');
      const down = await request(h.app).post('/inventory/adjustments').set(as('admin')).set('Idempotency-Key', key).send({ warehouseId, sku, delta: -3, reason: 'count' });
      expect(down.status).toBe(201);
      expect(down.body).toMatchObject({ sku, warehouseId, onHand: 1, available: 1 });
      await request(h.app).post('/inventory/adjustments').set(as('admin')).set('Idempotency-Key', key).send({ warehouseId, sku, delta: -3, reason: 'count' }).expect(201);
      const tooMuch = await request(h.app).post('/inventory/adjustments').set(as('admin')).send({ warehouseId, sku, delta: -2, reason: 'count' });
      expect(tooMuch.status).toBe(409);
      expect(tooMuch.body.error).toBe('insufficient_stock');
      expect((await request(h.app).get(`/inventory/${sku}`).set(as('ops'))).body.onHand).toBe(1);
      const zero = await request(h.app).post('/inventory/adjustments').set(as('admin')).send({ warehouseId, sku, delta: 0, reason: 'x' }).expect(400);
      expect(zero.body.details[0]).toMatchObject({ path: 'delta' });
    });

    it('unknown warehouse or SKU in a body → 422; unknown SKU in a path → 404', async () => {
      const { warehouseId, sku } = await seedStock(h.app, 0);
      const noSku = await request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId, sku: uid('NOPE'), quantity: 1 });
      expect(noSku.status).toBe(422);
      expect(noSku.body.error).toBe('unknown_sku');
      const noWh = await request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId: uid('nowh'), sku, quantity: 1 });
      expect(noWh.status).toBe(422);
      expect(noWh.body.error).toBe('unknown_warehouse');
      const adj = await request(h.app).post('/inventory/adjustments').set(as('admin')).send({ warehouseId: uid('nowh'), sku, delta: 1, reason: 'x' });
      expect(adj.status).toBe(422);
      await request(h.app).get(`/inventory/${uid('NOPE')}`).set(as('ops')).expect(404);
      await request(h.app).get(`/inventory/${uid('NOPE')}/movements`).set(as('ops')).expect(404);
    });

    it('validates quantities', async () => {
      const { warehouseId, sku } = await seedStock(h.app, 0);
      for (const quantity of [0, -1, 1.5, '3', null]) {
        const res = await request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId, sku, quantity });
        expect(res.status).toBe(400);
        expect(res.body.details[0]).toMatchObject({ in: 'body', path: 'quantity' });
      }
    });
  });

  describe('movements, alerts, reconciliation', () => {
    it('lists movements newest first, paged with cursor', async () => {
      const { warehouseId, sku } = await seedStock(h.app, 0);
      for (const quantity of [1, 2, 3, 4, 5]) {
        await request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId, sku, quantity }).expect(201);
      }
      const first = await request(h.app).get(`/inventory/${sku}/movements?limit=2`).set(as('ops')).expect(200);
      expect(first.body.movements.map((m: { onHandDelta: number }) => m.onHandDelta)).toEqual([5, 4]);
      expect(first.body.movements[0]).toMatchObject({ sku, warehouseId, kind: 'receipt', reservedDelta: 0, orderId: null });
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await request(h.app).get(`/inventory/${sku}/movements`).query({ limit: 10, cursor: first.body.nextCursor }).set(as('ops')).expect(200);
      expect(second.body.movements.map((m: { onHandDelta: number }) => m.onHandDelta)).toEqual([3, 2, 1]);
      expect(second.body.nextCursor).toBeUndefined();
      await request(h.app).get(`/inventory/${sku}/movements?limit=0`).set(as('ops')).expect(400);
      await request(h.app).get(`/inventory/${sku}/movements?limit=501`).set(as('ops')).expect(400);
      await request(h.app).get(`/inventory/${sku}/movements?cursor=abc`).set(as('ops')).expect(400);
      await request(h.app).get(`/inventory/${sku}/movements?page=2`).set(as('ops')).expect(400);
    });

    it('GET /inventory/alerts lists an open reorder alert (route is not taken for a SKU)', async () => {
      const { warehouseId, sku } = await seedStock(h.app, 0);
      await request(h.app).put(`/skus/${sku}`).set(as('admin')).send({ name: 'Low', reorderPoint: 5 }).expect(200);
      await request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId, sku, quantity: 8 }).expect(201);
      await request(h.app).post('/inventory/adjustments').set(as('admin')).send({ warehouseId, sku, delta: -4, reason: 'damaged' }).expect(201);
      const res = await request(h.app).get('/inventory/alerts').set(as('ops')).expect(200);
      expect(res.body.alerts).toEqual(expect.arrayContaining([expect.objectContaining({ sku, reorderPoint: 5, available: 4 })]));
    });

    it('GET /inventory/reconciliation runs the checks ({ok, problems}), optionally for some SKUs', async () => {
      const { sku } = await seedStock(h.app, 3);
      const scoped = await request(h.app).get('/inventory/reconciliation').query({ skus: sku }).set(as('ops')).expect(200);
      expect(scoped.body).toEqual({ ok: true, problems: [] });
      const all = await request(h.app).get('/inventory/reconciliation').set(as('ops')).expect(200);
      expect(all.body).toEqual({ ok: expect.any(Boolean), problems: expect.any(Array) });
      await request(h.app).get('/inventory/reconciliation?skus=a,,b').set(as('ops')).expect(400);
    });
  });
});
