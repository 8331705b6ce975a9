import { balances, givenStock, heldUnits, ledgerHarness, namer } from './ledger.fixtures';

/** One fulfillment per warehouse: release, reserve again elsewhere, ship and restock by warehouse. */
describe('ledger writes for one warehouse of an order', () => {
  const h = ledgerHarness();
  afterAll(() => h.close());

  async function splitOrder(n: (s: string) => string) {
    await givenStock(h.ledger, {
      warehouses: [{ id: n('w1'), priority: 1 }, { id: n('w2'), priority: 2 }, { id: n('w3'), priority: 3 }],
      skus: [{ sku: n('a') }],
      stock: [
        { warehouseId: n('w1'), sku: n('a'), quantity: 2 },
        { warehouseId: n('w2'), sku: n('a'), quantity: 3 },
      ],
    });
    await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 5 }], n('k1'));
  }

  it('releases only one warehouse: the other stays held, the order open with that remainder', async () => {
    const n = namer();
    await splitOrder(n);
    expect(await h.ledger.release(n('o1'), n('k2'), { warehouseId: n('w1') })).toEqual({
      released: [{ warehouseId: n('w1'), sku: n('a'), quantity: 2 }],
    });
    expect(await h.ledger.reservations(n('o1'))).toEqual([
      { orderId: n('o1'), warehouseId: n('w1'), sku: n('a'), quantity: 2, status: 'released' },
      { orderId: n('o1'), warehouseId: n('w2'), sku: n('a'), quantity: 3, status: 'held' },
    ]);
    expect(await balances(h.knex, [n('a')])).toEqual([
      { warehouse_id: n('w1'), sku: n('a'), on_hand: 2, reserved: 0 },
      { warehouse_id: n('w2'), sku: n('a'), on_hand: 3, reserved: 3 },
    ]);
    expect(await h.knex('ledger_orders').where({ order_id: n('o1') }).first('status')).toEqual({ status: 'open' });
    expect(await h.knex('order_demands').where({ order_id: n('o1') }).select('sku', 'quantity')).toEqual([{ sku: n('a'), quantity: 5 }]);
    expect(await h.ledger.ordersAwaiting(n('a'))).toEqual([n('o1')]);
    // A repeat changes nothing; the same key for the whole order is another request.
    expect(await h.ledger.release(n('o1'), n('k2'), { warehouseId: n('w1') })).toEqual({ released: [{ warehouseId: n('w1'), sku: n('a'), quantity: 2 }] });
    await expect(h.ledger.release(n('o1'), n('k2'))).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    expect(await heldUnits(h.knex, [n('a')])).toBe(3);
    expect(await h.ledger.reconcile(undefined, { skus: [n('a')] })).toEqual({ ok: true, problems: [] });
  });

  it('reserveMore never holds at an excluded warehouse, and backorders when only it has stock', async () => {
    const n = namer();
    await splitOrder(n);
    await h.ledger.release(n('o1'), n('k2'), { warehouseId: n('w1') });
    expect(await h.ledger.reserveMore(n('o1'), n('k3'), { exclude: [n('w1')] })).toEqual({
      allocations: [{ warehouseId: n('w2'), sku: n('a'), quantity: 3 }],
      backordered: [{ sku: n('a'), quantity: 2 }],
    });
    expect(await heldUnits(h.knex, [n('a')])).toBe(3);
    // Stock arriving elsewhere is taken; w1's free units still are not.
    await h.ledger.receive({ warehouseId: n('w3'), sku: n('a'), quantity: 1, key: n('r1') });
    expect(await h.ledger.reserveMore(n('o1'), n('k4'), { exclude: [n('w1'), n('w1')] })).toEqual({
      allocations: [
        { warehouseId: n('w2'), sku: n('a'), quantity: 3 },
        { warehouseId: n('w3'), sku: n('a'), quantity: 1 },
      ],
      backordered: [{ sku: n('a'), quantity: 1 }],
    });
    expect(await balances(h.knex, [n('a')])).toEqual([
      { warehouse_id: n('w1'), sku: n('a'), on_hand: 2, reserved: 0 },
      { warehouse_id: n('w2'), sku: n('a'), on_hand: 3, reserved: 3 },
      { warehouse_id: n('w3'), sku: n('a'), on_hand: 1, reserved: 1 },
    ]);
    expect((await h.ledger.reservations(n('o1'))).filter((r) => r.warehouseId === n('w1') && r.status === 'held')).toEqual([]);
    await expect(h.ledger.reserveMore(n('o1'), n('k4'))).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    expect(await h.ledger.reconcile(undefined, { skus: [n('a')] })).toEqual({ ok: true, problems: [] });
  });

  it('ships one warehouse at a time and restocks returns only from the warehouse named', async () => {
    const n = namer();
    await splitOrder(n);
    expect(await h.ledger.ship(n('o1'), n('k2'), { warehouseId: n('w2') })).toEqual({ shipped: [{ warehouseId: n('w2'), sku: n('a'), quantity: 3 }] });
    expect(await balances(h.knex, [n('a')])).toEqual([
      { warehouse_id: n('w1'), sku: n('a'), on_hand: 2, reserved: 2 },
      { warehouse_id: n('w2'), sku: n('a'), on_hand: 0, reserved: 0 },
    ]);
    expect(await h.knex('ledger_orders').where({ order_id: n('o1') }).first('status')).toEqual({ status: 'open' });
    expect(await h.ledger.ship(n('o1'), n('k3'), { warehouseId: n('w1') })).toEqual({ shipped: [{ warehouseId: n('w1'), sku: n('a'), quantity: 2 }] });
    expect(await h.ledger.reservations(n('o1'))).toEqual([
      { orderId: n('o1'), warehouseId: n('w1'), sku: n('a'), quantity: 2, status: 'shipped' },
      { orderId: n('o1'), warehouseId: n('w2'), sku: n('a'), quantity: 3, status: 'shipped' },
    ]);

    // w1's fulfillment is compensated: only its 2 units can come back from there.
    await expect(h.ledger.restock(n('o1'), [{ sku: n('a'), quantity: 3 }], n('k4'), { warehouseId: n('w1') })).rejects.toMatchObject({
      code: 'INVALID_QUANTITY',
      details: { returnable: 2, warehouseId: n('w1') },
    });
    expect(await h.ledger.restock(n('o1'), [{ sku: n('a'), quantity: 2 }], n('k5'), { warehouseId: n('w1') })).toEqual({
      restocked: [{ warehouseId: n('w1'), sku: n('a'), quantity: 2 }],
    });
    await expect(h.ledger.restock(n('o1'), [{ sku: n('a'), quantity: 1 }], n('k6'), { warehouseId: n('w1') })).rejects.toMatchObject({
      code: 'INVALID_QUANTITY',
    });
    expect(await balances(h.knex, [n('a')])).toEqual([
      { warehouse_id: n('w1'), sku: n('a'), on_hand: 2, reserved: 0 },
      { warehouse_id: n('w2'), sku: n('a'), on_hand: 0, reserved: 0 },
    ]);
    expect(await h.ledger.reconcile(undefined, { skus: [n('a')] })).toEqual({ ok: true, problems: [] });
  });

  it('ships nothing at a warehouse that holds nothing of the order', async () => {
    const n = namer();
    await splitOrder(n);
    expect(await h.ledger.ship(n('o1'), n('k2'), { warehouseId: n('w3') })).toEqual({ shipped: [] });
    expect(await heldUnits(h.knex, [n('a')])).toBe(5);
    await expect(h.ledger.ship(n('o1'), n('k3'), { warehouseId: '' })).rejects.toBeInstanceOf(TypeError);
  });
});
