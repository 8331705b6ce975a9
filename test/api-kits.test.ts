/**
 * Kits over HTTP (docs/design.md §18) against the real order workflow and Postgres: the kit
 * definition and its refusals, availability in GET /inventory, channels and
 * inventory.available_changed, and orders that hold whole kit units from one warehouse.
 */
import request from 'supertest';
import { drainMarks } from '../webhooks/availability-watcher';
import { eventually } from './support/temporal';
import { as, orderBody, seedStock, startApi, uid, type ApiHarness, type TestApp } from './support/api-fixtures';

const putSku = (app: TestApp, sku: string, body: object) => request(app).put(`/skus/${sku}`).set(as('admin')).send(body);

describe('API: kits (manual warehouse)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: true });
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** C1 10 at A; C2 3 at A and 4 at B; kit = 2×C1 + 1×C2. */
  async function givenKit() {
    const { warehouseId: a, sku: c1 } = await seedStock(h.app, 10, { priority: 1 });
    const { sku: c2 } = await seedStock(h.app, 3, { warehouseId: a, priority: 1 });
    const { warehouseId: b } = await seedStock(h.app, 4, { sku: c2, priority: 2 });
    const kit = uid('KIT');
    const put = await putSku(h.app, kit, { name: 'Mug and saucer', components: [{ sku: c1, quantity: 2 }, { sku: c2, quantity: 1 }] });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ sku: kit, name: 'Mug and saucer', components: [{ sku: c1, quantity: 2 }, { sku: c2, quantity: 1 }].sort((x, y) => (x.sku < y.sku ? -1 : 1)) });
    return { a, b, c1, c2, kit };
  }

  const available = async (sku: string) => (await request(h.app).get(`/inventory/${sku}`).set(as('ops')).expect(200)).body;

  it('a kit is defined once valid; kits of kits, unknown or no components, stock documents of a kit → 422/400, nothing moves', async () => {
    const { a, b, c1, kit } = await givenKit();
    const other = uid('KIT');
    const nested = await putSku(h.app, other, { name: 'x', components: [{ sku: kit, quantity: 1 }] });
    expect(nested.status).toBe(422);
    expect(nested.body).toMatchObject({ error: 'kit_of_kits', details: { field: 'components.0.sku' } });
    const unknown = await putSku(h.app, other, { name: 'x', components: [{ sku: c1, quantity: 1 }, { sku: uid('nope'), quantity: 1 }] });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ error: 'unknown_sku', details: { field: 'components.1.sku' } });
    const empty = await putSku(h.app, other, { name: 'x', components: [] });
    expect(empty.status).toBe(400);
    const intoKit = await putSku(h.app, c1, { name: 'x', components: [{ sku: uid('any'), quantity: 1 }] });
    expect(intoKit.status).toBe(422);
    await request(h.app).get(`/skus/${other}`).set(as('ops')).expect(404);

    const receipt = await request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId: a, sku: kit, quantity: 1 });
    expect(receipt.status).toBe(422);
    expect(receipt.body).toMatchObject({ error: 'kit_not_stocked', details: { field: 'sku' } });
    const adjustment = await request(h.app).post('/inventory/adjustments').set(as('admin')).send({ warehouseId: a, sku: kit, delta: 1, reason: 'x' });
    expect(adjustment.status).toBe(422);
    const count = await request(h.app).post('/counts').set(as('admin')).send({ warehouseId: a, countedAt: new Date().toISOString(), source: 'cycle_count', lines: [{ sku: c1, counted: 10 }, { sku: kit, counted: 1 }] });
    expect(count.status).toBe(422);
    expect(count.body).toMatchObject({ error: 'kit_not_stocked', details: { field: 'lines.1.sku' } });
    // Purchase order and transfer lines (docs/design.md §15) of a kit: 422 too.
    const po = await request(h.app).post('/purchase-orders').set(as('admin')).send({ supplier: 'Acme', warehouseId: a, expectedAt: new Date(Date.now() + 86_400_000).toISOString(), lines: [{ sku: kit, quantity: 1 }] });
    expect(po.status).toBe(422);
    expect(po.body).toMatchObject({ error: 'kit_not_stocked', details: { skus: [kit] } });
    const transfer = await request(h.app).post('/transfers').set(as('admin')).send({ fromWarehouseId: a, toWarehouseId: b, lines: [{ sku: kit, quantity: 1 }] });
    expect(transfer.status).toBe(422);
    expect(transfer.body).toMatchObject({ error: 'kit_not_stocked', details: { skus: [kit] } });
    expect((await available(c1)).onHand).toBe(10);
    expect((await h.knex('stock_levels').where({ sku: kit })).length).toBe(0);
  });

  it('kit availability: min over components of ⌊free ÷ quantity⌋ per warehouse, summed; channels and available_changed follow', async () => {
    const { a, b, c2, kit } = await givenKit();
    const levels = await available(kit);
    expect(levels).toMatchObject({ sku: kit, available: 3, onHand: 3 });
    // A kit has no stock of its own: nothing of it is incoming or in transit (docs/design.md §15).
    expect(levels).toMatchObject({ incoming: 0, inTransit: 0, supply: [] });
    expect(levels.levels).toEqual(
      expect.arrayContaining([
        { warehouseId: a, onHand: 3, reserved: 0, available: 3, incoming: 0, inTransit: 0 },
        { warehouseId: b, onHand: 0, reserved: 0, available: 0, incoming: 0, inTransit: 0 },
      ]),
    );

    const web = uid('web');
    await request(h.app).put(`/channels/${web}`).set(as('admin')).send({ name: 'Web' }).expect(201);
    const onlyB = uid('b2b');
    await request(h.app).put(`/channels/${onlyB}`).set(as('admin')).send({ name: 'B only', warehouseIds: [b] }).expect(201);
    const listed = async (channel: string) => (await request(h.app).get(`/channels/${channel}/availability?sku=${kit}`).set(as('ops')).expect(200)).body.items[0].available;
    expect(await listed(web)).toBe(3);
    expect(await listed(onlyB)).toBe(0);

    // A component's change emits the kit's event too.
    await drainMarks(h.knex);
    await request(h.app).post('/inventory/adjustments').set(as('admin')).send({ warehouseId: a, sku: c2, delta: -1, reason: 'broken' }).expect(201);
    await drainMarks(h.knex);
    const events = await h.knex('webhook_events').where({ type: 'inventory.available_changed' }).whereRaw(`data->>'sku' = ?`, [kit]).orderBy('created_at');
    expect(events.map((e: { data: { available: number } }) => e.data.available)).toEqual([3, 2]);
    expect(events[1].data.byChannel).toMatchObject({ [web]: 2, [onlyB]: 0 });
  });

  const order = async (lines: Array<{ sku: string; quantity: number }>, status: string) => {
    const orderId = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody(lines, { orderId })).expect(202);
    return eventually(async () => {
      const r = await request(h.app).get(`/orders/${orderId}`).set(as('ops'));
      return r.status === 200 && r.body.status === status ? r.body : undefined;
    });
  };
  const held = async (sku: string, warehouseId: string) =>
    ((await request(h.app).get(`/inventory/${sku}`).set(as('ops')).expect(200)).body.levels as Array<{ warehouseId: string; reserved: number }>).find((l) => l.warehouseId === warehouseId)?.reserved ?? 0;

  it("kits under the channel's sourcing rule (docs/design.md §17): nearest holds the GB unit whole at the GB warehouse; maxParcels 1 backorders a unit whole rather than open a second parcel", async () => {
    // A (priority 1, DE) makes one kit unit, B (priority 2, GB) two.
    const { warehouseId: a, sku: c1 } = await seedStock(h.app, 2, { priority: 1 });
    const { sku: c2 } = await seedStock(h.app, 1, { warehouseId: a, priority: 1 });
    const { warehouseId: b } = await seedStock(h.app, 4, { sku: c1, priority: 2 });
    await seedStock(h.app, 2, { warehouseId: b, sku: c2, priority: 2 });
    await request(h.app).put(`/warehouses/${a}`).set(as('admin')).send({ name: a, priority: 1, countries: ['DE'] }).expect(200);
    await request(h.app).put(`/warehouses/${b}`).set(as('admin')).send({ name: b, priority: 2, countries: ['GB'] }).expect(200);
    const kit = uid('KIT');
    await putSku(h.app, kit, { name: 'Mug and saucer', components: [{ sku: c1, quantity: 2 }, { sku: c2, quantity: 1 }] }).expect(201);
    const near = uid('near');
    const one = uid('one');
    await request(h.app).put(`/channels/${near}`).set(as('admin')).send({ name: near, sourcing: { strategy: 'nearest' } }).expect(201);
    await request(h.app).put(`/channels/${one}`).set(as('admin')).send({ name: one, sourcing: { strategy: 'fewest_parcels', maxParcels: 1 } }).expect(201);
    const address = (country: string) => ({ name: 'Ada', line1: '1 Street', city: 'Town', postalCode: '1000', country });
    const sorted = <T extends { sku: string }>(xs: T[]) => [...xs].sort((x, y) => (x.sku < y.sku ? -1 : 1));
    const place = async (channel: string, quantity: number, status: string) => {
      const orderId = uid('ord');
      await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku: kit, quantity }], { orderId, channel, shippingAddress: address('GB') })).expect(202);
      return eventually(async () => {
        const r = await request(h.app).get(`/orders/${orderId}`).set(as('support'));
        return r.status === 200 && r.body.status === status ? r.body : undefined;
      });
    };

    const gb = await place(near, 1, 'picking');
    expect(sorted(gb.allocations)).toEqual(sorted([{ warehouseId: b, sku: c1, quantity: 2 }, { warehouseId: b, sku: c2, quantity: 1 }]));
    expect(gb.sourcing).toMatchObject({ strategy: 'nearest' });

    // Now A and B make one unit each, and the channel allows one parcel: one unit at A, the other
    // backordered whole; B's unit stays free (without maxParcels it would be held there).
    const capped = await place(one, 2, 'awaiting_stock');
    expect(sorted(capped.allocations)).toEqual(sorted([{ warehouseId: a, sku: c1, quantity: 2 }, { warehouseId: a, sku: c2, quantity: 1 }]));
    expect(sorted(capped.backordered)).toEqual(sorted([{ sku: c1, quantity: 2 }, { sku: c2, quantity: 1 }]));
    expect([await held(c1, b), await held(c2, b)]).toEqual([2, 1]);
    expect((await request(h.app).get(`/inventory/reconciliation?skus=${c1},${c2}`).set(as('admin')).expect(200)).body).toEqual({ ok: true, problems: [] });
  });

  it('a kit with its own component on another line is rejected; a plain SKU on two plain lines is not (the lines are summed)', async () => {
    const { a, c1, kit } = await givenKit();
    const shared = await order([{ sku: kit, quantity: 1 }, { sku: c1, quantity: 1 }], 'rejected');
    expect(shared.lastError.message).toContain(`kit components ordered more than once (as a kit and on their own, or in two kits): ${c1}`);
    const twice = await order([{ sku: c1, quantity: 1 }, { sku: c1, quantity: 2 }], 'picking');
    expect(twice.allocations).toEqual([{ warehouseId: a, sku: c1, quantity: 3 }]);
    await request(h.app).post(`/orders/${twice.orderId}/cancel`).set(as('support')).send({ reason: 'test done' }).expect(200);
  });

  it('2 kits hold 4 C1 + 2 C2 at A; 2 more get one kit at A and backorder the other whole (C2 at B stays free); channels follow', async () => {
    const { a, b, c1, c2, kit } = await givenKit();
    const web = uid('web');
    await request(h.app).put(`/channels/${web}`).set(as('admin')).send({ name: 'Web' }).expect(201);
    const listed = async () => (await request(h.app).get(`/channels/${web}/availability?sku=${kit}`).set(as('ops')).expect(200)).body.items[0].available;

    const first = await order([{ sku: kit, quantity: 2 }], 'picking');
    expect(first.kits).toEqual({ [kit]: expect.arrayContaining([{ sku: c1, quantity: 2 }, { sku: c2, quantity: 1 }]) });
    expect([...first.allocations].sort((x: { sku: string }, y: { sku: string }) => (x.sku < y.sku ? -1 : 1))).toEqual(
      [{ warehouseId: a, sku: c1, quantity: 4 }, { warehouseId: a, sku: c2, quantity: 2 }].sort((x, y) => (x.sku < y.sku ? -1 : 1)),
    );
    expect(first.fulfillments).toEqual([expect.objectContaining({ warehouseId: a, lines: expect.arrayContaining([{ sku: c1, quantity: 4 }, { sku: c2, quantity: 2 }]) })]);
    expect(await listed()).toBe(1);

    const second = await order([{ sku: kit, quantity: 2 }], 'awaiting_stock');
    expect([...second.allocations].sort((x: { sku: string }, y: { sku: string }) => (x.sku < y.sku ? -1 : 1))).toEqual(
      [{ warehouseId: a, sku: c1, quantity: 2 }, { warehouseId: a, sku: c2, quantity: 1 }].sort((x, y) => (x.sku < y.sku ? -1 : 1)),
    );
    expect([...second.backordered].sort((x: { sku: string }, y: { sku: string }) => (x.sku < y.sku ? -1 : 1))).toEqual(
      [{ sku: c1, quantity: 2 }, { sku: c2, quantity: 1 }].sort((x, y) => (x.sku < y.sku ? -1 : 1)),
    );
    expect(await held(c2, b)).toBe(0);
    expect(await held(c1, a)).toBe(6);
    expect(await held(c2, a)).toBe(3);
    expect(await listed()).toBe(0);
    expect((await request(h.app).get(`/inventory/${kit}`).set(as('ops')).expect(200)).body.available).toBe(0);

    // Changing the kit affects new orders only: the waiting order keeps its snapshot.
    await putSku(h.app, kit, { name: 'Mug and saucer', components: [{ sku: c2, quantity: 1 }] }).expect(200);
    const still = (await request(h.app).get(`/orders/${second.orderId}`).set(as('ops')).expect(200)).body;
    expect(still.kits[kit]).toEqual(expect.arrayContaining([{ sku: c1, quantity: 2 }, { sku: c2, quantity: 1 }]));
    const third = await order([{ sku: kit, quantity: 1 }], 'picking');
    expect(third.allocations).toEqual([{ warehouseId: b, sku: c2, quantity: 1 }]);

    const edit = await request(h.app).post(`/orders/${third.orderId}/edits`).set(as('support')).send({ lines: [{ sku: kit, quantity: 2 }] });
    expect(edit.status).toBe(422);
    expect(edit.body).toMatchObject({ error: 'kit_edit_unsupported', details: { field: 'lines.0.sku' } });

    for (const o of [first, second, third]) await request(h.app).post(`/orders/${o.orderId}/cancel`).set(as('support')).send({ reason: 'test over' }).expect(200);
    const rec = await request(h.app).get(`/inventory/reconciliation?skus=${c1},${c2}`).set(as('admin')).expect(200);
    expect(rec.body).toEqual({ ok: true, problems: [] });
  });
});

describe('API: a returned kit restocks its components (simulated warehouse and carrier)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: true, env: { WAREHOUSE_MODE: 'simulated', CARRIER_MODE: 'simulated', SIMULATED_DELAY: '20ms', RETURN_TIMEOUT: '10m' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('2 kits delivered; 1 kit returned and restocked → 2 C1 and 1 C2 back on hand; a third kit is more than delivered', async () => {
    const { warehouseId: a, sku: c1 } = await seedStock(h.app, 10);
    const { sku: c2 } = await seedStock(h.app, 5, { warehouseId: a });
    const kit = uid('KIT');
    await putSku(h.app, kit, { name: 'Set', components: [{ sku: c1, quantity: 2 }, { sku: c2, quantity: 1 }] }).expect(201);
    const orderId = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku: kit, quantity: 2 }], { orderId })).expect(202);
    await eventually(async () => ((await request(h.app).get(`/orders/${orderId}`).set(as('ops'))).body.status === 'delivered' ? true : undefined));
    const onHand = async (sku: string) => (await request(h.app).get(`/inventory/${sku}`).set(as('ops')).expect(200)).body.onHand;
    expect([await onHand(c1), await onHand(c2)]).toEqual([6, 3]);

    const ret = await request(h.app).post(`/orders/${orderId}/returns`).set(as('support')).send({ lines: [{ sku: kit, quantity: 1 }], reason: 'chipped' });
    expect(ret.status).toBe(201);
    const tooMany = await request(h.app).post(`/orders/${orderId}/returns`).set(as('support')).send({ lines: [{ sku: kit, quantity: 2 }], reason: 'more' });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.details.lines).toEqual([expect.objectContaining({ sku: kit, requested: 2, returnable: 1 })]);
    const received = await request(h.app).post(`/returns/${ret.body.returnId}/receive`).set(as('system')).send({ warehouseId: a, lines: [{ sku: kit, quantity: 1, disposition: 'restock' }] });
    expect(received.status).toBe(200);
    expect([await onHand(c1), await onHand(c2)]).toEqual([8, 4]);
    expect((await request(h.app).get(`/inventory/reconciliation?skus=${c1},${c2}`).set(as('admin')).expect(200)).body).toEqual({ ok: true, problems: [] });
  });
});
