/**
 * The largest requests the API accepts stay inside Temporal's limits (issue "Robust at the
 * limits"): the largest order, the widest split, a storm of repeated events. Real HTTP, real
 * Postgres, a real worker on the run's dev server.
 */
import request from 'supertest';
import { randomBytes } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { SkusKey, WarehouseIdsKey } from '../workflows/search-attributes';
import { orderWorkflowId } from '../domain/types';
import { eventually } from './support/temporal';
import { as, orderBody, seedStock, startApi, uid, type ApiHarness, type TestApp } from './support/api-fixtures';

/** Temporal refuses a search attribute value over 2 KB and any payload over 2 MB (blob size limit). */
const SEARCH_ATTRIBUTE_LIMIT = 2_048;
const BLOB_LIMIT = 2 * 1024 * 1024;

/** A distinct id of exactly 64 characters (the schema's maximum for SKUs and warehouse ids). */
const id64 = (prefix: string, i: number) => `${prefix}-${randomBytes(4).toString('hex')}-${String(i).padStart(3, '0')}-`.padEnd(64, 'x');

async function untilStatus(app: TestApp, orderId: string, status: string, timeoutMs = 60_000) {
  return eventually(async () => {
    const r = await request(app).get(`/orders/${orderId}`).set(as('ops'));
    return r.status === 200 && r.body.status === status ? r.body : undefined;
  }, timeoutMs);
}

describe('API at the limits', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: true });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const handle = (orderId: string) => h.client.workflow.getHandle(orderWorkflowId(orderId));
  const attributeBytes = async (orderId: string) => {
    const attrs = (await handle(orderId).describe()).typedSearchAttributes;
    return { skus: JSON.stringify(attrs.get(SkusKey) ?? []).length, warehouses: JSON.stringify(attrs.get(WarehouseIdsKey) ?? []).length };
  };
  const updatesIn = async (orderId: string) => {
    const { events } = await handle(orderId).fetchHistory();
    return (events ?? []).filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).length;
  };
  const available = async (sku: string) => (await request(h.app).get(`/inventory/${sku}`).set(as('ops')).expect(200)).body.available as number;
  const cancel = (orderId: string) => request(h.app).post(`/orders/${orderId}/cancel`).set(as('support')).send({ reason: 'limits test' });

  it('the largest valid order (100 lines, 64-character SKUs) starts, runs and cancels; its attributes and payloads stay small', async () => {
    const warehouseId = uid('wh');
    const skus = Array.from({ length: 100 }, (_, i) => id64('SKU', i));
    await seedStock(h.app, 0, { warehouseId, sku: skus[0] });
    for (const sku of skus) await seedStock(h.app, 5, { warehouseId, sku });
    const orderId = id64('ord', 0);
    const body = orderBody(
      skus.map((sku) => ({ sku, quantity: 2 })),
      { orderId, customer: { id: 'c'.repeat(128), email: `${'a'.repeat(64)}@example.com`, name: 'n'.repeat(200) } },
    );
    await request(h.app).post('/orders').set(as('system')).send(body).expect(202);
    const view = await untilStatus(h.app, orderId, 'picking');
    expect(view.lines).toHaveLength(100);

    const bytes = await attributeBytes(orderId);
    expect(bytes.skus).toBeLessThanOrEqual(SEARCH_ATTRIBUTE_LIMIT);
    expect(bytes.warehouses).toBeLessThanOrEqual(SEARCH_ATTRIBUTE_LIMIT);
    // The workflow input (the request plus timeouts) and the view it returns are tens of KB.
    const inputBytes = Buffer.byteLength(JSON.stringify(body));
    const viewBytes = Buffer.byteLength(JSON.stringify(view));
    console.log(`limits: 100-line order input ${inputBytes} B, view ${viewBytes} B, Skus attribute ${bytes.skus} B (blob limit ${BLOB_LIMIT} B)`);
    expect(inputBytes).toBeLessThan(BLOB_LIMIT / 20);
    expect(viewBytes).toBeLessThan(BLOB_LIMIT / 20);

    const cancelled = await cancel(orderId).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await available(skus[99])).toBe(5);
  }, 180_000);

  it('the widest split (40 warehouses with 64-character ids, one SKU each) reserves and cancels', async () => {
    const seeded: Array<{ warehouseId: string; sku: string }> = [];
    for (let i = 0; i < 40; i++) seeded.push(await seedStock(h.app, 3, { warehouseId: id64('wh', i), sku: id64('SKU', i), priority: i + 1 }));
    const orderId = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody(seeded.map((s) => ({ sku: s.sku, quantity: 1 })), { orderId })).expect(202);
    const view = await untilStatus(h.app, orderId, 'picking');
    expect(view.fulfillments).toHaveLength(40);
    expect(new Set(view.fulfillments.map((f: { warehouseId: string }) => f.warehouseId)).size).toBe(40);
    expect((await attributeBytes(orderId)).warehouses).toBeLessThanOrEqual(SEARCH_ATTRIBUTE_LIMIT);
    expect(Buffer.byteLength(JSON.stringify(view))).toBeLessThan(BLOB_LIMIT / 20);

    const cancelled = await cancel(orderId).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    for (const s of [seeded[0], seeded[39]]) expect(await available(s.sku)).toBe(3);
  }, 180_000);

  it('an event storm: 3,000 repeated picked events answer 200 without an Update; the order still cancels with its stock back', async () => {
    const { sku } = await seedStock(h.app, 4);
    const orderId = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 3 }], { orderId })).expect(202);
    await untilStatus(h.app, orderId, 'picking');
    const first = await request(h.app).post(`/orders/${orderId}/events`).set(as('system')).send({ type: 'picked' }).expect(200);
    expect(first.body.status).toBe('packing');
    // The record catches up with the workflow's answer; from then on a repeat is told from it.
    await untilStatus(h.app, orderId, 'packing');
    const before = await updatesIn(orderId);

    const statuses = new Map<number, number>();
    for (let i = 0; i < 3_000; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, () => request(h.app).post(`/orders/${orderId}/events`).set(as('system')).send({ type: 'picked' })),
      );
      for (const r of batch) {
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        expect(r.body.status).toBe('packing');
      }
    }
    expect(Object.fromEntries(statuses)).toEqual({ 200: 3_000 });
    expect(await updatesIn(orderId)).toBe(before);

    const cancelled = await cancel(orderId).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await available(sku)).toBe(4);
  }, 300_000);
});
