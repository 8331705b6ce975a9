/**
 * Purchase orders and transfers under scoped warehouse keys (docs/design.md §15, §20): a key
 * scoped to a warehouse receives a PO at its own warehouse, ships a transfer from its own and
 * receives one at its own, and is refused (403, nothing moves) everywhere else; it opens and
 * reads no documents (those routes admit unscoped roles only). Real Postgres, Temporal, HTTP.
 */
import request from 'supertest';
import { API_KEYS_ENV, as, seedStock, startApi, uid, type ApiHarness } from './support/api-fixtures';

const WH_A = uid('wh-a');
const WH_B = uid('wh-b');
const WH_A_KEY = `key-wh-a-${uid('k')}`;
const WH_B_KEY = `key-wh-b-${uid('k')}`;
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

describe('stock in motion under scoped warehouse keys', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: true, env: { API_KEYS: `${API_KEYS_ENV},${WH_A_KEY}:system/warehouse=${WH_A},${WH_B_KEY}:system/warehouse=${WH_B}` } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const onHandAt = async (sku: string, warehouseId: string): Promise<number> => {
    const levels = (await request(h.app).get(`/inventory/${sku}`).set(as('ops')).expect(200)).body as { levels: Array<{ warehouseId: string; onHand: number }> };
    return levels.levels.find((l) => l.warehouseId === warehouseId)?.onHand ?? 0;
  };

  it('a PO is received by its own warehouse key only; another warehouse key gets 403 and nothing moves', async () => {
    const { sku } = await seedStock(h.app, 0, { warehouseId: WH_A });
    await seedStock(h.app, 0, { warehouseId: WH_B, sku, priority: 2 });

    // Opening and reading are not a warehouse key's.
    const body = { supplier: 'Acme', warehouseId: WH_A, expectedAt: '2031-03-01', lines: [{ sku, quantity: 3 }] };
    expect((await request(h.app).post('/purchase-orders').set(bearer(WH_A_KEY)).send(body)).status).toBe(403);
    const { purchaseOrderId } = (await request(h.app).post('/purchase-orders').set(as('admin')).send(body).expect(201)).body;
    expect((await request(h.app).get(`/purchase-orders/${purchaseOrderId}`).set(bearer(WH_A_KEY))).status).toBe(403);

    const foreign = await request(h.app).post(`/purchase-orders/${purchaseOrderId}/receipts`).set(bearer(WH_B_KEY)).send({ receiptId: 'r1', lines: [{ sku, quantity: 1 }] });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error).toBe('forbidden');
    const untouched = (await request(h.app).get(`/purchase-orders/${purchaseOrderId}`).set(as('ops')).expect(200)).body;
    expect(untouched.lines).toEqual([{ sku, ordered: 3, received: 0, outstanding: 3 }]);
    expect(await onHandAt(sku, WH_A)).toBe(0);

    const own = await request(h.app).post(`/purchase-orders/${purchaseOrderId}/receipts`).set(bearer(WH_A_KEY)).send({ receiptId: 'r1', lines: [{ sku, quantity: 1 }] });
    expect(own.status).toBe(200);
    expect(own.body.lines).toEqual([{ sku, ordered: 3, received: 1, outstanding: 2 }]);
    expect(await onHandAt(sku, WH_A)).toBe(1);
  });

  it('a transfer is shipped by the source key and received by the destination key; each refused at the other end', async () => {
    const { sku } = await seedStock(h.app, 2, { warehouseId: WH_A });
    await seedStock(h.app, 0, { warehouseId: WH_B, sku, priority: 2 });
    const { transferId } = (await request(h.app).post('/transfers').set(as('admin')).send({ fromWarehouseId: WH_A, toWarehouseId: WH_B, lines: [{ sku, quantity: 2 }] }).expect(201)).body;

    const shipByDestination = await request(h.app).post(`/transfers/${transferId}/ship`).set(bearer(WH_B_KEY)).send({});
    expect(shipByDestination.status).toBe(403);
    expect((await request(h.app).get(`/transfers/${transferId}`).set(as('ops')).expect(200)).body.status).toBe('requested');
    expect(await onHandAt(sku, WH_A)).toBe(2);

    const shipped = await request(h.app).post(`/transfers/${transferId}/ship`).set(bearer(WH_A_KEY)).send({});
    expect(shipped.status).toBe(200);
    expect(shipped.body.status).toBe('in_transit');
    expect(await onHandAt(sku, WH_A)).toBe(0);

    const receipt = { receiptId: 'in-1', lines: [{ sku, quantity: 2 }] };
    const receiveBySource = await request(h.app).post(`/transfers/${transferId}/receive`).set(bearer(WH_A_KEY)).send(receipt);
    expect(receiveBySource.status).toBe(403);
    expect(await onHandAt(sku, WH_B)).toBe(0);

    const received = await request(h.app).post(`/transfers/${transferId}/receive`).set(bearer(WH_B_KEY)).send(receipt);
    expect(received.status).toBe(200);
    expect(received.body.status).toBe('received');
    expect(await onHandAt(sku, WH_B)).toBe(2);

    const rec = await request(h.app).get(`/inventory/reconciliation?skus=${sku}`).set(as('ops')).expect(200);
    expect(rec.body).toEqual({ ok: true, problems: [] });
  });
});
