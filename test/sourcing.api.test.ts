/**
 * Sourcing over HTTP with a real worker (docs/design.md §17): the channel's rule decides where
 * an order is held, the record explains why, and a daily capacity is counted by the ledger.
 */
import request from 'supertest';
import { eventually } from './support/temporal';
import { as, orderBody, startApi, uid, type ApiHarness, type TestApp } from './support/api-fixtures';

interface View {
  status: string;
  allocations: Array<{ warehouseId: string; sku: string; quantity: number }>;
  backordered: Array<{ sku: string; quantity: number }>;
  fulfillments: Array<{ warehouseId: string }>;
  sourcing?: { strategy: string; decisions: Array<{ warehouseId: string; lines: unknown[]; reason: string }> };
  shipBy?: string;
  history: Array<{ at: string }>;
}

async function untilStatus(app: TestApp, orderId: string, status: string): Promise<View> {
  return eventually(async () => {
    const r = await request(app).get(`/orders/${orderId}`).set(as('ops'));
    return r.status === 200 && r.body.status === status ? (r.body as View) : undefined;
  }, 30_000);
}

const warehousesOf = (v: View) => [...new Set(v.allocations.map((a) => a.warehouseId))].sort();

describe('API: sourcing strategies, maxParcels and daily capacity', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: true });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const putWarehouse = (id: string, body: object) => request(h.app).put(`/warehouses/${id}`).set(as('admin')).send({ name: id, ...body });
  const putChannel = (id: string, body: object) => request(h.app).put(`/channels/${id}`).set(as('admin')).send({ name: id, ...body });
  const receive = (warehouseId: string, sku: string, quantity: number) =>
    request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId, sku, quantity }).expect(201);
  const sku = async () => {
    const id = uid('SKU');
    await request(h.app).put(`/skus/${id}`).set(as('admin')).send({ name: id }).expect(201);
    return id;
  };
  const order = async (channel: string, lines: Array<{ sku: string; quantity: number }>, country = 'GB') => {
    const orderId = uid('ord');
    const address = { name: 'Ada', line1: '1 Street', city: 'Town', postalCode: '1000', country };
    await request(h.app).post('/orders').set(as('system')).send(orderBody(lines, { orderId, channel, shippingAddress: address })).expect(202);
    return orderId;
  };

  it('nearest: a GB order ships from the GB warehouse B and the record says why; priority: from A', async () => {
    const [A, B, S] = [uid('whA'), uid('whB'), await sku()];
    await putWarehouse(A, { priority: 1, countries: ['DE'] }).expect(201);
    await putWarehouse(B, { priority: 2, countries: ['GB'] }).expect(201);
    await receive(A, S, 5);
    await receive(B, S, 5);
    const nearest = uid('near');
    const priority = uid('prio');
    expect((await putChannel(nearest, { sourcing: { strategy: 'nearest' } }).expect(201)).body.sourcing).toEqual({ strategy: 'nearest' });
    await putChannel(priority, {}).expect(201);

    const near = await untilStatus(h.app, await order(nearest, [{ sku: S, quantity: 1 }]), 'picking');
    expect(warehousesOf(near)).toEqual([B]);
    expect(near.fulfillments.map((f) => f.warehouseId)).toEqual([B]);
    expect(near.sourcing?.strategy).toBe('nearest');
    const decision = (id: string) => near.sourcing?.decisions.find((d) => d.warehouseId === id);
    expect(decision(B)?.reason).toMatch(/ships to GB/);
    expect(decision(A)?.lines).toEqual([]);
    expect(decision(A)?.reason).toMatch(/does not ship to GB/);

    const prio = await untilStatus(h.app, await order(priority, [{ sku: S, quantity: 1 }]), 'picking');
    expect(warehousesOf(prio)).toEqual([A]);
    expect(prio.sourcing?.strategy).toBe('priority');
  });

  it('fewest_parcels: S1+S2+S3 ships as A, C where priority makes A, B, C; maxParcels 1 opens one and backorders the rest', async () => {
    const [A, B, C] = [uid('whA'), uid('whB'), uid('whC')];
    const [S1, S2, S3] = [await sku(), await sku(), await sku()];
    await putWarehouse(A, { priority: 1 }).expect(201);
    await putWarehouse(B, { priority: 2 }).expect(201);
    await putWarehouse(C, { priority: 3 }).expect(201);
    await receive(A, S1, 10);
    await receive(B, S2, 10);
    await receive(C, S2, 10);
    await receive(C, S3, 10);
    const lines = [{ sku: S1, quantity: 1 }, { sku: S2, quantity: 1 }, { sku: S3, quantity: 1 }];
    const fewest = uid('few');
    const prio = uid('prio');
    const one = uid('one');
    await putChannel(fewest, { sourcing: { strategy: 'fewest_parcels' } }).expect(201);
    await putChannel(prio, { sourcing: { strategy: 'priority' } }).expect(201);
    await putChannel(one, { sourcing: { strategy: 'fewest_parcels', maxParcels: 1 } }).expect(201);

    const f = await untilStatus(h.app, await order(fewest, lines), 'picking');
    expect(f.fulfillments.map((x) => x.warehouseId).sort()).toEqual([A, C].sort());
    expect(f.sourcing?.decisions.find((d) => d.warehouseId === B)?.reason).toMatch(/fewer parcels/);
    const p = await untilStatus(h.app, await order(prio, lines), 'picking');
    expect(p.fulfillments.map((x) => x.warehouseId).sort()).toEqual([A, B, C].sort());

    const oneId = await order(one, lines);
    const waiting = await untilStatus(h.app, oneId, 'awaiting_stock');
    expect(warehousesOf(waiting)).toEqual([C]);
    expect(waiting.backordered).toEqual([{ sku: S1, quantity: 1 }]);
    expect(waiting.sourcing?.decisions.find((d) => d.warehouseId === A)?.reason).toMatch(/at most 1 parcel/);
    // A refill keeps to one parcel: S1 arriving at A (not C) leaves the order waiting.
    await receive(A, S1, 1);
    await receive(C, S1, 1);
    const filled = await untilStatus(h.app, oneId, 'picking');
    expect(filled.fulfillments.map((x) => x.warehouseId)).toEqual([C]);
    expect(filled.allocations.every((a) => a.warehouseId === C)).toBe(true);
  });

  it('dailyCapacity 1 at A: the second order of the day goes to B', async () => {
    const [A, B, S] = [uid('whA'), uid('whB'), await sku()];
    await putWarehouse(A, { priority: 1, dailyCapacity: 1 }).expect(201);
    await putWarehouse(B, { priority: 2 }).expect(201);
    try {
      await receive(A, S, 10);
      await receive(B, S, 10);
      const first = await untilStatus(h.app, await order('web', [{ sku: S, quantity: 1 }]), 'picking');
      expect(warehousesOf(first)).toEqual([A]);
      const second = await untilStatus(h.app, await order('web', [{ sku: S, quantity: 1 }]), 'picking');
      expect(warehousesOf(second)).toEqual([B]);
      expect(second.sourcing?.decisions.find((d) => d.warehouseId === A)?.reason).toMatch(/daily capacity \(1 of 1/);
      const { rows } = await h.knex.raw<{ rows: Array<{ opened: number }> }>('SELECT opened FROM warehouse_daily_opened WHERE warehouse_id = ?', [A]);
      expect(rows).toEqual([{ opened: 1 }]);
    } finally {
      // Other suites of the run share the database: a capacity left set sends them all to the planner.
      await putWarehouse(A, { dailyCapacity: null }).expect(200);
    }
  });

  it('ship-by: from the body, or creation + the channel\'s shipWithinHours; GET /orders?shipByBefore= lists open orders due', async () => {
    const [W, S] = [uid('wh'), await sku()];
    await putWarehouse(W, { priority: 1 }).expect(201);
    await receive(W, S, 10);
    const chan = uid('day');
    expect((await putChannel(chan, { shipWithinHours: 24 }).expect(201)).body.shipWithinHours).toBe(24);
    const postedAfter = Date.now();
    const channelOrder = await order(chan, [{ sku: S, quantity: 1 }]);
    const postedBefore = Date.now();
    const byChannel = await untilStatus(h.app, channelOrder, 'picking');
    // Created between the two readings of the clock: shipBy is that moment plus 24 h.
    expect(Date.parse(byChannel.shipBy!)).toBeGreaterThanOrEqual(postedAfter + 24 * 3_600_000);
    expect(Date.parse(byChannel.shipBy!)).toBeLessThanOrEqual(postedBefore + 24 * 3_600_000);

    const due = '2031-01-01T10:00:00.000Z';
    const orderId = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku: S, quantity: 1 }], { orderId, shipBy: '2031-01-01T12:00:00+02:00' })).expect(202);
    expect((await untilStatus(h.app, orderId, 'picking')).shipBy).toBe(due);
    const listed = await request(h.app).get('/orders?shipByBefore=2031-01-01T10:00:01Z&limit=500').set(as('ops')).expect(200);
    expect(listed.body.orders.find((o: { orderId: string }) => o.orderId === orderId)).toMatchObject({ orderId, shipBy: due, status: 'picking' });
    const before = await request(h.app).get('/orders?shipByBefore=2031-01-01T10:00:00Z&limit=500').set(as('ops')).expect(200);
    expect(before.body.orders.map((o: { orderId: string }) => o.orderId)).not.toContain(orderId);
  });

  it('bad input names the field: strategy, maxParcels, dailyCapacity, countries, shipWithinHours, shipBy', async () => {
    const chan = uid('bad');
    const field = (body: { details?: unknown; message?: string }) => JSON.stringify(body);
    for (const [body, name] of [
      [{ sourcing: { strategy: 'cheapest' } }, 'strategy'],
      [{ sourcing: { strategy: 'priority', maxParcels: 0 } }, 'maxParcels'],
      [{ shipWithinHours: 0 }, 'shipWithinHours'],
    ] as const) {
      const res = await putChannel(chan, body);
      expect(res.status).toBe(400);
      expect(field(res.body)).toContain(name);
    }
    const wh = uid('wh');
    for (const [body, name] of [
      [{ dailyCapacity: -1 }, 'dailyCapacity'],
      [{ countries: ['gb'] }, 'countries'],
      [{ countries: ['UK'] }, 'countries'],
    ] as const) {
      const res = await putWarehouse(wh, body);
      expect(res.status).toBe(400);
      expect(field(res.body)).toContain(name);
    }
    const res = await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku: 'X', quantity: 1 }], { shipBy: 'tomorrow' }));
    expect(res.status).toBe(400);
    expect(field(res.body)).toContain('shipBy');
  });
});
