import request from 'supertest';
import { eventually } from './support/temporal';
import { API_KEYS_ENV, as, orderBody, seedStock, startApi, uid, type ApiHarness } from './support/api-fixtures';
import { forOrder, startPeers, warehouseUrl, type Peers } from './support/http-peers';

/**
 * Whenever an order rests (waits on something outside its workflow), its record — what
 * GET /orders/:id reads — shows everything the workflow knows (docs/design.md §5, §9): the
 * pick task of a fulfillment requested at an HTTP warehouse, a hold, and the carrier, tracking
 * number and label id of a bought label while the order waits in `shipping` for the first scan.
 * The warehouse and the carrier are real loopback HTTP services that verify every signature.
 */
const WH_QUICK = uid('wh-quick');
const WH_QUICK_KEY = `key-wh-quick-${uid('k')}`;

describe('API: the record of a resting order shows all the workflow knows (warehouse and carrier over HTTP)', () => {
  let peers: Peers;
  let h: ApiHarness;
  beforeAll(async () => {
    peers = await startPeers();
    peers.warehouse.respond = (m) => (m.type === 'fulfillment.requested' ? { status: 202, json: { taskId: `WMS-${String(m.body.fulfillmentId)}` } } : { status: 200, json: {} });
    h = await startApi({
      worker: true,
      env: { INTEGRATION_SECRET: peers.secret, CARRIER_URL: `${peers.carrier.url}/labels`, API_KEYS: `${API_KEYS_ENV},${WH_QUICK_KEY}:system/warehouse=${WH_QUICK}` },
    });
  });
  afterAll(async () => {
    await h?.stop();
    await peers?.close();
  });
  afterEach(() => {
    expect([...peers.warehouse.messages, ...peers.carrier.messages].filter((m) => !m.verified)).toEqual([]);
  });

  /** An order at a warehouse reached over HTTP, waiting in `picking` with its pick task shown by the record. */
  async function pickingOrder() {
    const { warehouseId, sku } = await seedStock(h.app, 5);
    await request(h.app).put(`/warehouses/${warehouseId}`).set(as('admin')).send({ name: `Warehouse ${warehouseId}`, priority: 1, fulfillmentUrl: warehouseUrl(peers, warehouseId) }).expect(200);
    const orderId = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 2 }], { orderId })).expect(202);
    const requested = await peers.warehouse.next('fulfillment.requested', forOrder(orderId));
    const fulfillmentId = String(requested.body.fulfillmentId);
    // Nothing more happens until the warehouse reports: the order rests in picking.
    const record = await eventually(async () => {
      const r = await request(h.app).get(`/orders/${orderId}`).set(as('ops')).expect(200);
      const f = r.body.fulfillments?.find((x: { fulfillmentId: string }) => x.fulfillmentId === fulfillmentId);
      return r.body.status === 'picking' && f?.pickTaskId ? r.body : undefined;
    }, 20_000);
    return { orderId, warehouseId, sku, fulfillmentId, record };
  }

  it('a fulfillment requested at an HTTP warehouse: the record shows its pick task while the order waits in picking', async () => {
    const { fulfillmentId, warehouseId, record } = await pickingOrder();
    expect(record.fulfillments).toEqual([expect.objectContaining({ fulfillmentId, warehouseId, status: 'picking', pickTaskId: `WMS-${fulfillmentId}` })]);
    expect(record.pickTaskId).toBe(`WMS-${fulfillmentId}`);
  });

  it('a hold placed while picking: the record shows the hold and the cancelled pick task while the order waits on_hold', async () => {
    const { orderId, fulfillmentId } = await pickingOrder();
    const placed = await request(h.app).post(`/orders/${orderId}/holds`).set(as('support')).send({ reason: 'fraud_check', note: 'score 97' }).expect(201);
    await peers.warehouse.next('fulfillment.cancelled', forOrder(orderId));
    const record = await eventually(async () => {
      const r = await request(h.app).get(`/orders/${orderId}`).set(as('ops')).expect(200);
      const f = r.body.fulfillments?.find((x: { fulfillmentId: string }) => x.fulfillmentId === fulfillmentId);
      return r.body.status === 'on_hold' && f?.status === 'requested' ? r.body : undefined;
    }, 20_000);
    expect(record.holds).toEqual([expect.objectContaining({ holdId: placed.body.holdId, reason: 'fraud_check', note: 'score 97' })]);
    expect(record.holds[0].releasedAt).toBeUndefined();
    expect(record.fulfillments[0].pickTaskId).toBeUndefined();
  });

  it('after packed and the label bought: the record shows carrier, tracking number and label id while the order waits in shipping', async () => {
    const { orderId, fulfillmentId } = await pickingOrder();
    await request(h.app).post(`/orders/${orderId}/events`).set(as('system')).send({ type: 'picked', fulfillmentId }).expect(200);
    await request(h.app).post(`/orders/${orderId}/events`).set(as('system')).send({ type: 'packed', fulfillmentId }).expect(200);
    await peers.carrier.next('label.requested', forOrder(orderId));
    // No `shipped` event is ever sent: the order rests in shipping until the carrier's first scan.
    const record = await eventually(async () => {
      const r = await request(h.app).get(`/orders/${orderId}`).set(as('ops')).expect(200);
      return r.body.status === 'shipping' && r.body.fulfillments?.[0]?.shipment ? r.body : undefined;
    }, 20_000);
    const shipment = { carrier: 'TestPost', trackingNumber: `TRK-${fulfillmentId}`, labelId: `LBL-${fulfillmentId}` };
    expect(record.fulfillments).toEqual([expect.objectContaining({ fulfillmentId, status: 'shipping', shipment })]);
    expect(record.shipment).toEqual(shipment);
    expect(record.fulfillments[0].shipment.shippedAt).toBeUndefined();
    // The ledger agrees: the units left the books when the label was bought (held → shipped).
    const movements = await h.knex('stock_movements').where({ order_id: orderId }).select('kind');
    expect(movements.map((m: { kind: string }) => m.kind)).toContain('ship');
  });

  it('a warehouse that reports with its own key the instant it has the request: the record already shows its fulfillment, and the event waits for the answer', async () => {
    const { warehouseId, sku } = await seedStock(h.app, 5, { warehouseId: WH_QUICK });
    await request(h.app).put(`/warehouses/${warehouseId}`).set(as('admin')).send({ name: 'Quick warehouse', priority: 1, fulfillmentUrl: warehouseUrl(peers, warehouseId) }).expect(200);
    const orderId = uid('ord');
    const answer = peers.warehouse.respond;
    let report: Promise<request.Response> | undefined;
    peers.warehouse.respond = async (m) => {
      if (m.type === 'fulfillment.requested' && m.body.orderId === orderId && !report) {
        // `picked` goes out before the request is answered (the answer follows 300 ms later).
        report = request(h.app).post(`/orders/${orderId}/events`).set({ Authorization: `Bearer ${WH_QUICK_KEY}` }).send({ type: 'picked', fulfillmentId: m.body.fulfillmentId }).then((r) => r);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      return answer(m);
    };
    try {
      await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 1 }], { orderId })).expect(202);
      await eventually(async () => report, 20_000);
      const r = await report!;
      expect([r.status, r.body.error]).toEqual([200, undefined]);
      expect(r.body.status).toBe('packing');
      expect(r.body.fulfillments).toEqual([expect.objectContaining({ warehouseId, status: 'packing', pickTaskId: expect.stringMatching(/^WMS-/) })]);
    } finally {
      peers.warehouse.respond = answer;
    }
  });
});
