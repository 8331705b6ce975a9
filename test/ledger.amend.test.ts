import { balances, givenStock, heldUnits, ledgerHarness, movementCount, namer } from './ledger.fixtures';

describe('ledger amend (order edits)', () => {
  const h = ledgerHarness();
  afterAll(() => h.close());

  const ok = { ok: true, problems: [] };

  it('5 -> 2 releases exactly 3, from the lowest-priority warehouse first', async () => {
    const n = namer();
    await givenStock(h.ledger, {
      warehouses: [{ id: n('w1'), priority: 1 }, { id: n('w2'), priority: 2 }],
      skus: [{ sku: n('a') }],
      stock: [
        { warehouseId: n('w1'), sku: n('a'), quantity: 3 },
        { warehouseId: n('w2'), sku: n('a'), quantity: 2 },
      ],
    });
    await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 4 }, { sku: n('a'), quantity: 1 }], n('k1'));
    expect(await h.ledger.reservations(n('o1'))).toEqual([
      { orderId: n('o1'), warehouseId: n('w1'), sku: n('a'), quantity: 3, status: 'held' },
      { orderId: n('o1'), warehouseId: n('w2'), sku: n('a'), quantity: 2, status: 'held' },
    ]);
    const before = await movementCount(h.knex, [n('a')]);

    expect(await h.ledger.amend(n('o1'), [{ sku: n('a'), quantity: 2 }], n('k4'))).toEqual({
      allocations: [{ warehouseId: n('w1'), sku: n('a'), quantity: 2 }],
      backordered: [],
      released: [
        { warehouseId: n('w1'), sku: n('a'), quantity: 1 },
        { warehouseId: n('w2'), sku: n('a'), quantity: 2 },
      ],
      reserved: [],
    });
    const { movements } = await h.ledger.movements(n('a'), { limit: 2 });
    expect(movements.map((m) => [m.kind, m.warehouseId, m.reservedDelta]).sort()).toEqual([
      ['release', n('w1'), -1],
      ['release', n('w2'), -2],
    ]);
    expect(await movementCount(h.knex, [n('a')])).toBe(before + 2);
    expect((await h.ledger.reservations(n('o1'))).filter((r) => r.status === 'held')).toEqual([
      { orderId: n('o1'), warehouseId: n('w1'), sku: n('a'), quantity: 2, status: 'held' },
    ]);
    expect(await heldUnits(h.knex, [n('a')])).toBe(2);
    expect(await h.knex('order_demands').where({ order_id: n('o1') }).select('sku', 'quantity')).toEqual([{ sku: n('a'), quantity: 2 }]);
    expect(await h.ledger.reconcile(undefined, { skus: [n('a')] })).toEqual(ok);
  });

  it('2 -> 4 holds 2 more where there is stock and backorders the rest', async () => {
    const n = namer();
    await givenStock(h.ledger, {
      warehouses: [{ id: n('w1'), priority: 1 }, { id: n('w2'), priority: 2 }],
      skus: [{ sku: n('a') }],
      stock: [
        { warehouseId: n('w1'), sku: n('a'), quantity: 2 },
        { warehouseId: n('w2'), sku: n('a'), quantity: 1 },
      ],
    });
    await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 2 }], n('k1'));
    expect(await h.ledger.amend(n('o1'), [{ sku: n('a'), quantity: 4 }], n('k2'))).toEqual({
      allocations: [
        { warehouseId: n('w1'), sku: n('a'), quantity: 2 },
        { warehouseId: n('w2'), sku: n('a'), quantity: 1 },
      ],
      backordered: [{ sku: n('a'), quantity: 1 }],
      released: [],
      reserved: [{ warehouseId: n('w2'), sku: n('a'), quantity: 1 }],
    });
    expect(await balances(h.knex, [n('a')])).toEqual([
      { warehouse_id: n('w1'), sku: n('a'), on_hand: 2, reserved: 2 },
      { warehouse_id: n('w2'), sku: n('a'), on_hand: 1, reserved: 1 },
    ]);
    expect(await h.ledger.ordersAwaiting(n('a'))).toEqual([n('o1')]);
    expect(await h.ledger.reconcile(undefined, { skus: [n('a')] })).toEqual(ok);
  });

  it('2 -> 4 never holds at an excluded warehouse', async () => {
    const n = namer();
    await givenStock(h.ledger, {
      warehouses: [{ id: n('w1'), priority: 1 }, { id: n('w2'), priority: 2 }],
      skus: [{ sku: n('a') }],
      stock: [
        { warehouseId: n('w1'), sku: n('a'), quantity: 9 },
        { warehouseId: n('w2'), sku: n('a'), quantity: 2 },
      ],
    });
    await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 2 }], n('k1'));
    await h.ledger.release(n('o1'), n('k2'), { warehouseId: n('w1') });
    const result = await h.ledger.amend(n('o1'), [{ sku: n('a'), quantity: 4 }], n('k3'), { exclude: [n('w1')] });
    expect(result).toEqual({
      allocations: [{ warehouseId: n('w2'), sku: n('a'), quantity: 2 }],
      backordered: [{ sku: n('a'), quantity: 2 }],
      released: [],
      reserved: [{ warehouseId: n('w2'), sku: n('a'), quantity: 2 }],
    });
    expect(await balances(h.knex, [n('a')])).toEqual([
      { warehouse_id: n('w1'), sku: n('a'), on_hand: 9, reserved: 0 },
      { warehouse_id: n('w2'), sku: n('a'), on_hand: 2, reserved: 2 },
    ]);
    expect(await h.ledger.reconcile(undefined, { skus: [n('a')] })).toEqual(ok);
  });

  it('a SKU left out is released entirely, a SKU added is held, a repeat changes nothing', async () => {
    const n = namer();
    await givenStock(h.ledger, {
      warehouses: [{ id: n('w') }],
      skus: [{ sku: n('a') }, { sku: n('b') }],
      stock: [
        { warehouseId: n('w'), sku: n('a'), quantity: 5 },
        { warehouseId: n('w'), sku: n('b'), quantity: 5 },
      ],
    });
    await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 3 }], n('k1'));
    const edit = () => h.ledger.amend(n('o1'), [{ sku: n('b'), quantity: 1 }, { sku: n('b'), quantity: 1 }], n('k2'));
    const expected = {
      allocations: [{ warehouseId: n('w'), sku: n('b'), quantity: 2 }],
      backordered: [],
      released: [{ warehouseId: n('w'), sku: n('a'), quantity: 3 }],
      reserved: [{ warehouseId: n('w'), sku: n('b'), quantity: 2 }],
    };
    expect(await edit()).toEqual(expected);
    const movementsAfter = await movementCount(h.knex, [n('a'), n('b')]);
    expect(await edit()).toEqual(expected);
    expect(await movementCount(h.knex, [n('a'), n('b')])).toBe(movementsAfter);
    await expect(h.ledger.amend(n('o1'), [{ sku: n('b'), quantity: 3 }], n('k2'))).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    expect(await balances(h.knex, [n('a'), n('b')])).toEqual([
      { warehouse_id: n('w'), sku: n('a'), on_hand: 5, reserved: 0 },
      { warehouse_id: n('w'), sku: n('b'), on_hand: 5, reserved: 2 },
    ]);
    expect(await h.ledger.reservations(n('o1'))).toEqual([
      { orderId: n('o1'), warehouseId: n('w'), sku: n('a'), quantity: 3, status: 'released' },
      { orderId: n('o1'), warehouseId: n('w'), sku: n('b'), quantity: 2, status: 'held' },
    ]);
    expect(await h.knex('order_demands').where({ order_id: n('o1') }).select('sku', 'quantity')).toEqual([{ sku: n('b'), quantity: 2 }]);
    expect(await h.ledger.reconcile(undefined, { skus: [n('a'), n('b')] })).toEqual(ok);
  });

  it('refuses unknown SKUs, empty lines and going below what shipped, changing nothing', async () => {
    const n = namer();
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: [{ sku: n('a') }], stock: [{ warehouseId: n('w'), sku: n('a'), quantity: 5 }] });
    await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 3 }], n('k1'));
    await h.ledger.ship(n('o1'), n('k2'));
    await h.ledger.amend(n('o1'), [{ sku: n('a'), quantity: 4 }], n('k3'));
    const movementsBefore = await movementCount(h.knex, [n('a')]);
    await expect(h.ledger.amend(n('o1'), [{ sku: n('ghost'), quantity: 1 }, { sku: n('a'), quantity: 4 }], n('k4'))).rejects.toMatchObject({
      code: 'UNKNOWN_SKU',
      details: { skus: [n('ghost')] },
    });
    await expect(h.ledger.amend(n('o1'), [], n('k5'))).rejects.toMatchObject({ code: 'INVALID_QUANTITY' });
    await expect(h.ledger.amend(n('o1'), [{ sku: n('a'), quantity: 2 }], n('k6'))).rejects.toMatchObject({
      code: 'INVALID_QUANTITY',
      details: { sku: n('a'), requested: 2, shipped: 3 },
    });
    // Lowering to exactly what shipped releases the rest and leaves nothing to wait for.
    expect(await h.ledger.amend(n('o1'), [{ sku: n('a'), quantity: 3 }], n('k7'))).toEqual({
      allocations: [{ warehouseId: n('w'), sku: n('a'), quantity: 3 }],
      backordered: [],
      released: [{ warehouseId: n('w'), sku: n('a'), quantity: 1 }],
      reserved: [],
    });
    expect(await movementCount(h.knex, [n('a')])).toBe(movementsBefore + 1);
    expect(await h.knex('ledger_orders').where({ order_id: n('o1') }).first('status')).toEqual({ status: 'closed' });
    expect(await h.ledger.reconcile(undefined, { skus: [n('a')] })).toEqual(ok);
  });

  it('on an order the ledger has not seen, places it as reserve does', async () => {
    const n = namer();
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: [{ sku: n('a') }], stock: [{ warehouseId: n('w'), sku: n('a'), quantity: 1 }] });
    expect(await h.ledger.amend(n('o1'), [{ sku: n('a'), quantity: 2 }], n('k1'))).toEqual({
      allocations: [{ warehouseId: n('w'), sku: n('a'), quantity: 1 }],
      backordered: [{ sku: n('a'), quantity: 1 }],
      released: [],
      reserved: [{ warehouseId: n('w'), sku: n('a'), quantity: 1 }],
    });
    expect(await h.ledger.ordersAwaiting(n('a'))).toEqual([n('o1')]);
    expect(await h.ledger.reconcile(undefined, { skus: [n('a')] })).toEqual(ok);
  });
});
