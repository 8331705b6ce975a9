/**
 * Transfers over HTTP (docs/design.md §15) against the real transfer workflow: reserved at
 * the source at once, shipped (transfer_out, in transit at the destination), received
 * (transfer_in, shortfall lost), cancelled before ship, refused after; reconciliation
 * (incl. the stock-in-motion invariants) after each; compensation when the workflow is
 * cancelled from outside; needs_attention after TRANSFER_TIMEOUT.
 */
import request from 'supertest';
import { eventually } from './support/temporal';
import { as, orderBody, seedStock, startApi, uid, type ApiHarness, type TestApp } from './support/api-fixtures';
import { MockActivityEnvironment } from '@temporalio/testing';
import { transferWorkflowId } from '../domain/transfers';
import { createReaperActivities, type ReaperReport } from '../activities/reaper-activities';
import { createClosedTransfersFinder } from '../clients/closed-transfers';
import { createStockMotionRecords } from '../app/stock-motion-records';

const levelsOf = async (app: TestApp, sku: string) => (await request(app).get(`/inventory/${sku}`).set(as('ops')).expect(200)).body;
const at = async (app: TestApp, sku: string, warehouseId: string) =>
  ((await levelsOf(app, sku)).levels as Array<{ warehouseId: string; onHand: number; reserved: number; inTransit: number; incoming: number }>).find((l) => l.warehouseId === warehouseId) ?? { onHand: 0, reserved: 0, inTransit: 0, incoming: 0 };
const reconciliation = async (app: TestApp, sku: string) => (await request(app).get(`/inventory/reconciliation?skus=${sku}`).set(as('ops')).expect(200)).body;

describe('API: transfers', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: true, env: { TRANSFER_TIMEOUT: '2s' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('4 of 10 A→B: A reserved 4; 7 more → 409 and A still reserved 4; ship → A 6/0, B in transit 4; receive 3 → B 3, lost 1, reconciliation ok', async () => {
    const { warehouseId: a, sku } = await seedStock(h.app, 10);
    const { warehouseId: b } = await seedStock(h.app, 0, { sku });
    const transferId = uid('tr');
    const body = { transferId, fromWarehouseId: a, toWarehouseId: b, lines: [{ sku, quantity: 4 }], expectedAt: '2030-03-01T00:00:00Z' };
    const created = await request(h.app).post('/transfers').set(as('admin')).send(body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ transferId, status: 'requested', lines: [{ sku, quantity: 4, shipped: 0, received: 0, lost: 0 }] });
    expect(await at(h.app, sku, a)).toMatchObject({ onHand: 10, reserved: 4 });
    expect((await request(h.app).post('/transfers').set(as('admin')).send(body)).status).toBe(200);
    expect((await request(h.app).post('/transfers').set(as('admin')).send({ ...body, lines: [{ sku, quantity: 5 }] })).status).toBe(409);
    expect(await at(h.app, sku, a)).toMatchObject({ onHand: 10, reserved: 4 });
    // Supply at the destination from the request on, dated by expectedAt.
    expect((await levelsOf(h.app, sku)).supply).toEqual([{ warehouseId: b, quantity: 4, expectedAt: '2030-03-01T00:00:00.000Z', source: 'transfer', id: transferId }]);

    const tooMany = await request(h.app).post('/transfers').set(as('admin')).send({ fromWarehouseId: a, toWarehouseId: b, lines: [{ sku, quantity: 7 }] });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error).toBe('insufficient_stock');
    expect(await at(h.app, sku, a)).toMatchObject({ onHand: 10, reserved: 4 });
    expect((await request(h.app).get(`/transfers?sku=${sku}`).set(as('ops'))).body.transfers).toHaveLength(1);

    await request(h.app).post(`/transfers/${transferId}/ship`).set(as('support')).send({}).expect(403);
    const shipped = await request(h.app).post(`/transfers/${transferId}/ship`).set(as('system')).send({ carrier: 'DHL', trackingNumber: 'T1' });
    expect(shipped.status).toBe(200);
    expect(shipped.body).toMatchObject({ status: 'in_transit', carrier: 'DHL', trackingNumber: 'T1', lines: [{ sku, quantity: 4, shipped: 4 }] });
    expect((await request(h.app).post(`/transfers/${transferId}/ship`).set(as('system')).send({})).status).toBe(200);
    expect(await at(h.app, sku, a)).toMatchObject({ onHand: 6, reserved: 0, inTransit: 0 });
    expect(await at(h.app, sku, b)).toMatchObject({ onHand: 0, inTransit: 4 });
    expect((await levelsOf(h.app, sku)).inTransit).toBe(4);
    expect(await reconciliation(h.app, sku)).toEqual({ ok: true, problems: [] });
    // A channel over both warehouses is offered what is on hand, never what is on the road (§12).
    const channel = uid('chan');
    await request(h.app).put(`/channels/${channel}`).set(as('admin')).send({ name: 'Both', warehouseIds: [a, b] }).expect(201);
    const offered = await request(h.app).get(`/channels/${channel}/availability?sku=${sku}`).set(as('ops')).expect(200);
    expect(offered.body.items).toEqual([{ sku, available: 6 }]);
    expect((await request(h.app).post(`/transfers/${transferId}/cancel`).set(as('admin')).send({ reason: 'late' })).status).toBe(409);

    const over = await request(h.app).post(`/transfers/${transferId}/receive`).set(as('system')).send({ receiptId: 'g1', lines: [{ sku, quantity: 5 }] });
    expect(over.status).toBe(422);
    expect(over.body.error).toBe('over_receipt');
    const receipt = { receiptId: 'g1', lines: [{ sku, quantity: 3 }] };
    const received = await request(h.app).post(`/transfers/${transferId}/receive`).set(as('system')).send(receipt);
    expect(received.status).toBe(200);
    expect(received.body).toMatchObject({ status: 'received', lines: [{ sku, quantity: 4, shipped: 4, received: 3, lost: 1 }] });
    expect((await request(h.app).post(`/transfers/${transferId}/receive`).set(as('system')).send(receipt)).status).toBe(200);
    expect((await request(h.app).post(`/transfers/${transferId}/receive`).set(as('system')).send({ receiptId: 'g2', lines: [{ sku, quantity: 1 }] })).status).toBe(409);
    expect(await at(h.app, sku, b)).toMatchObject({ onHand: 3, inTransit: 0 });
    expect(await at(h.app, sku, a)).toMatchObject({ onHand: 6, reserved: 0 });
    expect(await reconciliation(h.app, sku)).toEqual({ ok: true, problems: [] });
    const kinds = (await request(h.app).get(`/inventory/${sku}/movements`).set(as('ops'))).body.movements.map((m: { kind: string; onHandDelta: number }) => `${m.kind}:${m.onHandDelta}`);
    expect(kinds).toEqual(['transfer_in:3', 'transfer_out:-4', 'reserve:0', 'receipt:10']);
    const handle = h.client.workflow.getHandle(transferWorkflowId(transferId));
    await handle.result();
    expect((await handle.describe()).searchAttributes.TransferStatus).toEqual(['received']);
    const events = await h.knex('webhook_events').where({ type: 'transfer.received' }).whereRaw("data->>'transferId' = ?", [transferId]);
    expect(events).toHaveLength(1);
  });

  it('cancel before ship releases; bad input moves nothing', async () => {
    const { warehouseId: a, sku } = await seedStock(h.app, 5);
    const { warehouseId: b } = await seedStock(h.app, 0, { sku });
    const t = (await request(h.app).post('/transfers').set(as('admin')).send({ fromWarehouseId: a, toWarehouseId: b, lines: [{ sku, quantity: 5 }] }).expect(201)).body;
    expect(await at(h.app, sku, a)).toMatchObject({ reserved: 5 });
    expect((await request(h.app).post(`/transfers/${t.transferId}/receive`).set(as('system')).send({ receiptId: 'x', lines: [{ sku, quantity: 1 }] })).status).toBe(409);
    const cancelled = await request(h.app).post(`/transfers/${t.transferId}/cancel`).set(as('admin')).send({ reason: 'changed our mind' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await at(h.app, sku, a)).toMatchObject({ onHand: 5, reserved: 0 });
    expect((await request(h.app).post(`/transfers/${t.transferId}/ship`).set(as('system')).send({})).status).toBe(409);
    expect(await reconciliation(h.app, sku)).toEqual({ ok: true, problems: [] });
    expect((await levelsOf(h.app, sku)).supply).toEqual([]);

    const same = await request(h.app).post('/transfers').set(as('admin')).send({ fromWarehouseId: a, toWarehouseId: a, lines: [{ sku, quantity: 1 }] });
    expect(same.status).toBe(422);
    expect((await request(h.app).post('/transfers').set(as('admin')).send({ fromWarehouseId: a, toWarehouseId: 'wh-none', lines: [{ sku, quantity: 1 }] })).body.error).toBe('unknown_warehouse');
    expect((await request(h.app).post('/transfers').set(as('admin')).send({ fromWarehouseId: a, toWarehouseId: b, lines: [{ sku: 'SKU-none', quantity: 1 }] })).body.error).toBe('unknown_sku');
    expect((await request(h.app).post('/transfers').set(as('admin')).send({ fromWarehouseId: a, toWarehouseId: b, lines: [{ sku, quantity: -1 }] })).status).toBe(400);
    expect((await request(h.app).post('/transfers').set(as('admin')).send({ fromWarehouseId: a, toWarehouseId: b, lines: [{ sku, quantity: 1 }], expectedAt: 'soon' })).status).toBe(400);
    expect(await at(h.app, sku, a)).toMatchObject({ onHand: 5, reserved: 0 });
  });

  it('a transfer workflow cancelled from outside while requested releases its reservation; in transit past TRANSFER_TIMEOUT → needs_attention, receive still ends it', async () => {
    const { warehouseId: a, sku } = await seedStock(h.app, 6);
    const { warehouseId: b } = await seedStock(h.app, 0, { sku });
    const t1 = (await request(h.app).post('/transfers').set(as('admin')).send({ fromWarehouseId: a, toWarehouseId: b, lines: [{ sku, quantity: 2 }] }).expect(201)).body;
    await h.client.workflow.getHandle(transferWorkflowId(t1.transferId)).cancel();
    const gone = await eventually(async () => {
      const r = await request(h.app).get(`/transfers/${t1.transferId}`).set(as('ops'));
      return r.body.status === 'cancelled' ? r.body : undefined;
    });
    expect(gone.history.at(-1).note).toContain('workflow cancelled');
    expect(await at(h.app, sku, a)).toMatchObject({ onHand: 6, reserved: 0 });

    const t2 = (await request(h.app).post('/transfers').set(as('admin')).send({ fromWarehouseId: a, toWarehouseId: b, lines: [{ sku, quantity: 3 }] }).expect(201)).body;
    await request(h.app).post(`/transfers/${t2.transferId}/ship`).set(as('admin')).send({}).expect(200);
    await eventually(async () => {
      const r = await request(h.app).get(`/transfers/${t2.transferId}`).set(as('ops'));
      return r.body.status === 'needs_attention' ? true : undefined;
    });
    const done = await request(h.app).post(`/transfers/${t2.transferId}/receive`).set(as('system')).send({ receiptId: 'late', lines: [{ sku, quantity: 3 }] });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('received');
    expect(await at(h.app, sku, b)).toMatchObject({ onHand: 3, inTransit: 0 });
    expect(await reconciliation(h.app, sku)).toEqual({ ok: true, problems: [] });
  });

  it('a transfer received at the destination fills an order waiting there; a PO receipt wakes one too', async () => {
    const { warehouseId: a, sku } = await seedStock(h.app, 2, { priority: 50 });
    const { warehouseId: b } = await seedStock(h.app, 0, { sku, priority: 1 });
    const t = (await request(h.app).post('/transfers').set(as('admin')).send({ fromWarehouseId: a, toWarehouseId: b, lines: [{ sku, quantity: 2 }] }).expect(201)).body;
    const orderId = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 2 }], { orderId })).expect(202);
    await eventually(async () => ((await request(h.app).get(`/orders/${orderId}`).set(as('ops'))).body.status === 'awaiting_stock' ? true : undefined));
    await request(h.app).post(`/transfers/${t.transferId}/ship`).set(as('system')).send({}).expect(200);
    await request(h.app).post(`/transfers/${t.transferId}/receive`).set(as('system')).send({ receiptId: 'r', lines: [{ sku, quantity: 2 }] }).expect(200);
    const filled = await eventually(async () => {
      const r = await request(h.app).get(`/orders/${orderId}`).set(as('ops'));
      return r.body.status !== 'awaiting_stock' ? r.body : undefined;
    });
    expect(filled.allocations).toEqual([{ warehouseId: b, sku, quantity: 2 }]);

    const second = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 1 }], { orderId: second })).expect(202);
    await eventually(async () => ((await request(h.app).get(`/orders/${second}`).set(as('ops'))).body.status === 'awaiting_stock' ? true : undefined));
    const po = (await request(h.app).post('/purchase-orders').set(as('admin')).send({ supplier: 'Acme', warehouseId: a, expectedAt: '2030-01-01', lines: [{ sku, quantity: 1 }] }).expect(201)).body;
    await request(h.app).post(`/purchase-orders/${po.purchaseOrderId}/receipts`).set(as('system')).send({ receiptId: 'r', lines: [{ sku, quantity: 1 }] }).expect(200);
    const woken = await eventually(async () => {
      const r = await request(h.app).get(`/orders/${second}`).set(as('ops'));
      return r.body.status !== 'awaiting_stock' ? r.body : undefined;
    });
    expect(woken.allocations).toEqual([{ warehouseId: a, sku, quantity: 1 }]);
    expect(await reconciliation(h.app, sku)).toEqual({ ok: true, problems: [] });
  });

  it('a transfer whose workflow was terminated while requested: the reaper cancels it and releases its units', async () => {
    const { warehouseId: a, sku } = await seedStock(h.app, 3);
    const { warehouseId: b } = await seedStock(h.app, 0, { sku });
    const since = new Date().toISOString();
    const t = (await request(h.app).post('/transfers').set(as('admin')).send({ fromWarehouseId: a, toWarehouseId: b, lines: [{ sku, quantity: 3 }] }).expect(201)).body;
    await h.client.workflow.getHandle(transferWorkflowId(t.transferId)).terminate('operator pressed Terminate');
    expect(await at(h.app, sku, a)).toMatchObject({ onHand: 3, reserved: 3 });

    const reaper = createReaperActivities({
      ledger: h.ledger,
      findClosedSince: async () => [],
      isWorkflowClosed: async () => new Set(),
      intervalMs: 1_000,
      fullSweepEvery: 0,
      transfers: createStockMotionRecords(h.knex, h.config.cursorSecret).transfers,
      findClosedTransfersSince: createClosedTransfersFinder(h.client, h.client.options.namespace),
    });
    const env = new MockActivityEnvironment();
    // Visibility is eventually consistent: the terminated transfer shows up in a pass or two.
    await eventually(async () => {
      const r = (await env.run(reaper.reapClosedOrders, { since, pass: 1 })) as ReaperReport;
      return r.releasedTransfers?.includes(t.transferId) ? r : undefined;
    });
    expect(await at(h.app, sku, a)).toMatchObject({ onHand: 3, reserved: 0 });
    expect((await request(h.app).get(`/transfers/${t.transferId}`).set(as('ops'))).body.status).toBe('cancelled');
    expect(await reconciliation(h.app, sku)).toEqual({ ok: true, problems: [] });
  });
});
