/**
 * Purchase orders over HTTP (docs/design.md §15) against the real PO workflow, Postgres and
 * the Temporal dev server: incoming, receipts (partial, repeated, conflicting, over), close
 * short, cancel, late, roles, bad input, and reads after the workflow is gone.
 */
import request from 'supertest';
import { eventually } from './support/temporal';
import { appServices, as, seedStock, startApi, uid, unreachableTemporalClient, type ApiHarness, type TestApp } from './support/api-fixtures';
import { createApp } from '../api/app';
import { silentLogger } from '../platform/logger';
import { createStockMotionRecords } from '../app/stock-motion-records';
import { purchaseOrderWorkflowId } from '../domain/purchase-orders';

const levelsOf = async (app: TestApp, sku: string) => (await request(app).get(`/inventory/${sku}`).set(as('ops')).expect(200)).body;
const at = (body: { levels: Array<{ warehouseId: string }> }, warehouseId: string) =>
  body.levels.find((l) => l.warehouseId === warehouseId) as { onHand: number; incoming: number; inTransit: number; reserved: number } | undefined;

describe('API: purchase orders', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: true });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('open 10 → incoming 10; receipt 4; repeat; other body 409; 7 more 422; close → closed_short, incoming 0; GET after the workflow is deleted', async () => {
    const { warehouseId, sku } = await seedStock(h.app, 0);
    const expectedAt = '2030-01-15T10:00:00.000Z';
    const purchaseOrderId = uid('po');
    const body = { purchaseOrderId, supplier: 'Acme', warehouseId, expectedAt, lines: [{ sku, quantity: 10 }] };
    const opened = await request(h.app).post('/purchase-orders').set(as('admin')).send(body);
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ purchaseOrderId, status: 'open', late: false, expectedAt, lines: [{ sku, ordered: 10, received: 0, outstanding: 10 }], receipts: [] });
    // Same id and body: 200; other body: 409.
    expect((await request(h.app).post('/purchase-orders').set(as('admin')).send(body)).status).toBe(200);
    const other = await request(h.app).post('/purchase-orders').set(as('admin')).send({ ...body, supplier: 'Other' });
    expect(other.status).toBe(409);
    expect(other.body.error).toBe('idempotency_conflict');

    let levels = await levelsOf(h.app, sku);
    expect(levels.incoming).toBe(10);
    expect(at(levels, warehouseId)).toMatchObject({ onHand: 0, incoming: 10, inTransit: 0 });
    expect(levels.supply).toEqual([{ warehouseId, quantity: 10, expectedAt, source: 'purchase_order', id: purchaseOrderId }]);

    // Roles: support may not receive, ops may not open.
    await request(h.app).post(`/purchase-orders/${purchaseOrderId}/receipts`).set(as('support')).send({ receiptId: 'r1', lines: [{ sku, quantity: 4 }] }).expect(403);
    await request(h.app).post('/purchase-orders').set(as('system')).send({ ...body, purchaseOrderId: uid('po') }).expect(403);

    const receipt = { receiptId: 'r1', lines: [{ sku, quantity: 4 }] };
    const received = await request(h.app).post(`/purchase-orders/${purchaseOrderId}/receipts`).set(as('system')).send(receipt);
    expect(received.status).toBe(200);
    expect(received.body).toMatchObject({ status: 'partially_received', lines: [{ sku, ordered: 10, received: 4, outstanding: 6 }], receipts: [{ receiptId: 'r1', lines: [{ sku, quantity: 4 }] }] });
    levels = await levelsOf(h.app, sku);
    expect(at(levels, warehouseId)).toMatchObject({ onHand: 4, incoming: 6 });

    // The movement names the PO and the receipt.
    const movements = (await request(h.app).get(`/inventory/${sku}/movements`).set(as('ops')).expect(200)).body.movements;
    expect(movements).toEqual([expect.objectContaining({ kind: 'receipt', onHandDelta: 4, orderId: `po:${purchaseOrderId}`, reason: `purchase order ${purchaseOrderId} receipt r1` })]);

    // The same receipt again: 200, nothing moves; same id, other body: 409.
    expect((await request(h.app).post(`/purchase-orders/${purchaseOrderId}/receipts`).set(as('system')).send(receipt)).status).toBe(200);
    const conflict = await request(h.app).post(`/purchase-orders/${purchaseOrderId}/receipts`).set(as('system')).send({ receiptId: 'r1', lines: [{ sku, quantity: 3 }] });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toBe('receipt_conflict');
    // 7 more than the 6 outstanding: 422, nothing applied.
    const over = await request(h.app).post(`/purchase-orders/${purchaseOrderId}/receipts`).set(as('system')).send({ receiptId: 'r2', lines: [{ sku, quantity: 7 }] });
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ error: 'over_receipt', details: { lines: [{ sku, requested: 7, outstanding: 6 }] } });
    const stranger = await request(h.app).post(`/purchase-orders/${purchaseOrderId}/receipts`).set(as('system')).send({ receiptId: 'r3', lines: [{ sku: uid('SKU'), quantity: 1 }] });
    expect(stranger.status).toBe(422);
    levels = await levelsOf(h.app, sku);
    expect(at(levels, warehouseId)).toMatchObject({ onHand: 4, incoming: 6 });
    expect((await request(h.app).get(`/inventory/${sku}/movements`).set(as('ops'))).body.movements).toHaveLength(1);

    const closed = await request(h.app).post(`/purchase-orders/${purchaseOrderId}/close`).set(as('admin')).send({ reason: 'supplier out' });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed_short');
    levels = await levelsOf(h.app, sku);
    expect(levels.incoming).toBe(0);
    expect(levels.supply).toEqual([]);
    expect(at(levels, warehouseId)).toMatchObject({ onHand: 4, incoming: 0 });
    const late = await request(h.app).post(`/purchase-orders/${purchaseOrderId}/receipts`).set(as('system')).send({ receiptId: 'r4', lines: [{ sku, quantity: 1 }] });
    expect(late.status).toBe(409);
    expect((await request(h.app).patch(`/purchase-orders/${purchaseOrderId}`).set(as('admin')).send({ expectedAt: '2031-01-01' })).status).toBe(409);

    // The workflow closes; once deleted from Temporal, GET still answers from the record.
    const handle = h.client.workflow.getHandle(purchaseOrderWorkflowId(purchaseOrderId));
    await handle.result();
    const described = await handle.describe();
    expect(described.searchAttributes.PurchaseOrderStatus).toEqual(['closed_short']);
    // The dev server deletes asynchronously; an app whose Temporal is unreachable shows the read never asks it.
    await h.client.workflowService.deleteWorkflowExecution({ namespace: h.client.options.namespace, workflowExecution: { workflowId: handle.workflowId } });
    const unreachable = unreachableTemporalClient();
    const offline = createApp({
      config: h.config,
      ledger: h.ledger,
      records: h.records,
      knex: h.knex,
      stockMotion: createStockMotionRecords(h.knex, h.config.cursorSecret),
      client: unreachable,
      ...appServices(unreachable, h.ledger, h.records),
      logger: silentLogger,
    });
    const after = await request(offline).get(`/purchase-orders/${purchaseOrderId}`).set(as('ops'));
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ purchaseOrderId, status: 'closed_short', lines: [{ sku, ordered: 10, received: 4, outstanding: 6 }] });
    expect(after.body.history.map((e: { status: string }) => e.status)).toEqual(['open', 'partially_received', 'closed_short']);
    expect((await request(h.app).get(`/purchase-orders/${purchaseOrderId}`).set(as('ops'))).body).toEqual(after.body);

    const rec = await request(h.app).get(`/inventory/reconciliation?skus=${sku}`).set(as('ops')).expect(200);
    expect(rec.body).toEqual({ ok: true, problems: [] });
  });

  it('cancel before any receipt; 409 once something was received; full receipt → received', async () => {
    const { warehouseId, sku } = await seedStock(h.app, 0);
    const a = (await request(h.app).post('/purchase-orders').set(as('admin')).send({ supplier: 'Acme', warehouseId, expectedAt: '2030-02-01', lines: [{ sku, quantity: 3 }] }).expect(201)).body;
    const cancelled = await request(h.app).post(`/purchase-orders/${a.purchaseOrderId}/cancel`).set(as('admin')).send({ reason: 'not needed' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await request(h.app).post(`/purchase-orders/${a.purchaseOrderId}/receipts`).set(as('system')).send({ receiptId: 'x', lines: [{ sku, quantity: 1 }] })).status).toBe(409);

    const b = (await request(h.app).post('/purchase-orders').set(as('admin')).send({ supplier: 'Acme', warehouseId, expectedAt: '2030-02-01', lines: [{ sku, quantity: 3 }] }).expect(201)).body;
    await request(h.app).post(`/purchase-orders/${b.purchaseOrderId}/receipts`).set(as('admin')).send({ receiptId: 'one', lines: [{ sku, quantity: 1 }] }).expect(200);
    const refused = await request(h.app).post(`/purchase-orders/${b.purchaseOrderId}/cancel`).set(as('admin')).send({ reason: 'x' });
    expect(refused.status).toBe(409);
    const rest = await request(h.app).post(`/purchase-orders/${b.purchaseOrderId}/receipts`).set(as('system')).send({ receiptId: 'two', lines: [{ sku, quantity: 2 }] });
    expect(rest.body.status).toBe('received');
    expect(at(await levelsOf(h.app, sku), warehouseId)).toMatchObject({ onHand: 3, incoming: 0 });

    // Lists: by status, SKU and warehouse, newest first, with a cursor.
    const page1 = await request(h.app).get(`/purchase-orders?sku=${sku}&limit=1`).set(as('ops')).expect(200);
    expect(page1.body.purchaseOrders.map((p: { purchaseOrderId: string }) => p.purchaseOrderId)).toEqual([b.purchaseOrderId]);
    const page2 = await request(h.app).get(`/purchase-orders?sku=${sku}&limit=1&cursor=${page1.body.nextCursor}`).set(as('ops')).expect(200);
    expect(page2.body.purchaseOrders.map((p: { purchaseOrderId: string }) => p.purchaseOrderId)).toEqual([a.purchaseOrderId]);
    expect(page2.body.nextCursor).toBeUndefined();
    const cancelledList = await request(h.app).get(`/purchase-orders?status=cancelled&warehouseId=${warehouseId}`).set(as('ops')).expect(200);
    expect(cancelledList.body.purchaseOrders.map((p: { purchaseOrderId: string }) => p.purchaseOrderId)).toEqual([a.purchaseOrderId]);
  });

  it('late when the date passes with units outstanding (webhook once per date), not late after the date moves', async () => {
    const { warehouseId, sku } = await seedStock(h.app, 0);
    const past = new Date(Date.now() + 1500).toISOString();
    const po = (await request(h.app).post('/purchase-orders').set(as('admin')).send({ supplier: 'Slow', warehouseId, expectedAt: past, lines: [{ sku, quantity: 2 }] }).expect(201)).body;
    const late = await eventually(async () => {
      const r = await request(h.app).get(`/purchase-orders/${po.purchaseOrderId}`).set(as('ops'));
      return r.body.late === true ? r.body : undefined;
    });
    expect(late.status).toBe('open');
    const events = await h.knex('webhook_events').where({ type: 'purchase_order.late' }).whereRaw("data->>'purchaseOrderId' = ?", [po.purchaseOrderId]).select('data');
    expect(events).toHaveLength(1);
    const moved = await request(h.app).patch(`/purchase-orders/${po.purchaseOrderId}`).set(as('admin')).send({ expectedAt: '2030-05-01T00:00:00Z' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ late: false, expectedAt: '2030-05-01T00:00:00.000Z' });
  });

  it('bad input moves nothing: unknown warehouse or SKU → 422, non-positive quantity and non-ISO dates → 400', async () => {
    const { warehouseId, sku } = await seedStock(h.app, 0);
    const base = { supplier: 'Acme', warehouseId, expectedAt: '2030-01-01', lines: [{ sku, quantity: 1 }] };
    expect((await request(h.app).post('/purchase-orders').set(as('admin')).send({ ...base, warehouseId: 'wh-nowhere' })).body.error).toBe('unknown_warehouse');
    expect((await request(h.app).post('/purchase-orders').set(as('admin')).send({ ...base, lines: [{ sku: 'SKU-nothing', quantity: 1 }] })).body.error).toBe('unknown_sku');
    expect((await request(h.app).post('/purchase-orders').set(as('admin')).send({ ...base, lines: [{ sku, quantity: 0 }] })).status).toBe(400);
    expect((await request(h.app).post('/purchase-orders').set(as('admin')).send({ ...base, expectedAt: 'next tuesday' })).status).toBe(400);
    expect((await request(h.app).post('/purchase-orders').set(as('admin')).send({ ...base, expectedAt: '2030-13-45' })).status).toBe(400);
    expect((await request(h.app).get(`/purchase-orders?warehouseId=${warehouseId}`).set(as('ops'))).body.purchaseOrders).toEqual([]);
    expect((await levelsOf(h.app, sku)).incoming).toBe(0);
    expect((await request(h.app).get('/purchase-orders/po-none').set(as('ops'))).status).toBe(404);
  });
});
