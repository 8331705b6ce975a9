import { LedgerError } from '../ledger';
import { balances, givenStock, ledgerHarness, namer } from './ledger.fixtures';

describe('ledger reservations', () => {
  const h = ledgerHarness();
  afterAll(() => h.close());

  it('prefers one warehouse that can fill the whole order over a higher-priority partial one', async () => {
    const n = namer();
    await givenStock(h.ledger, {
      warehouses: [{ id: n('near'), priority: 1 }, { id: n('far'), priority: 2 }, { id: n('farther'), priority: 3 }],
      skus: [{ sku: n('a') }, { sku: n('b') }],
      stock: [
        { warehouseId: n('near'), sku: n('a'), quantity: 10 },
        { warehouseId: n('far'), sku: n('a'), quantity: 2 },
        { warehouseId: n('far'), sku: n('b'), quantity: 2 },
        { warehouseId: n('farther'), sku: n('a'), quantity: 9 },
        { warehouseId: n('farther'), sku: n('b'), quantity: 9 },
      ],
    });
    const result = await h.ledger.reserve(n('o1'), [{ sku: n('b'), quantity: 1 }, { sku: n('a'), quantity: 1 }, { sku: n('a'), quantity: 1 }], n('k1'));
    expect(result).toEqual({
      allocations: [
        { warehouseId: n('far'), sku: n('a'), quantity: 2 },
        { warehouseId: n('far'), sku: n('b'), quantity: 1 },
      ],
      backordered: [],
    });
    expect(await h.ledger.reservations(n('o1'))).toEqual([
      { orderId: n('o1'), warehouseId: n('far'), sku: n('a'), quantity: 2, status: 'held' },
      { orderId: n('o1'), warehouseId: n('far'), sku: n('b'), quantity: 1, status: 'held' },
    ]);
    expect((await balances(h.knex, [n('a'), n('b')])).filter((b) => b.reserved > 0)).toEqual([
      { warehouse_id: n('far'), sku: n('a'), on_hand: 2, reserved: 2 },
      { warehouse_id: n('far'), sku: n('b'), on_hand: 2, reserved: 1 },
    ]);
  });

  it('splits by priority, skips inactive warehouses and backorders the rest', async () => {
    const n = namer();
    await givenStock(h.ledger, {
      warehouses: [{ id: n('w1'), priority: 1 }, { id: n('closed'), priority: 0, active: false }, { id: n('w2'), priority: 5 }],
      skus: [{ sku: n('a') }, { sku: n('b') }],
      stock: [
        { warehouseId: n('w1'), sku: n('a'), quantity: 3 },
        { warehouseId: n('closed'), sku: n('a'), quantity: 100 },
        { warehouseId: n('w2'), sku: n('a'), quantity: 4 },
        { warehouseId: n('w2'), sku: n('b'), quantity: 1 },
      ],
    });
    const result = await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 10 }, { sku: n('b'), quantity: 1 }], n('k1'));
    expect(result).toEqual({
      allocations: [
        { warehouseId: n('w1'), sku: n('a'), quantity: 3 },
        { warehouseId: n('w2'), sku: n('a'), quantity: 4 },
        { warehouseId: n('w2'), sku: n('b'), quantity: 1 },
      ],
      backordered: [{ sku: n('a'), quantity: 3 }],
    });
    expect(await balances(h.knex, [n('a')])).toEqual(
      expect.arrayContaining([{ warehouse_id: n('closed'), sku: n('a'), on_hand: 100, reserved: 0 }]),
    );
    expect(await h.ledger.ordersAwaiting(n('a'))).toEqual([n('o1')]);
    expect(await h.ledger.ordersAwaiting(n('b'))).toEqual([]);
  });

  it('holds more of the remainder after a receipt, and stops awaiting once complete', async () => {
    const n = namer();
    await givenStock(h.ledger, {
      warehouses: [{ id: n('w1'), priority: 1 }, { id: n('w2'), priority: 2 }],
      skus: [{ sku: n('a') }],
      stock: [{ warehouseId: n('w1'), sku: n('a'), quantity: 2 }],
    });
    expect(await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 5 }], n('k1'))).toEqual({
      allocations: [{ warehouseId: n('w1'), sku: n('a'), quantity: 2 }],
      backordered: [{ sku: n('a'), quantity: 3 }],
    });
    expect(await h.ledger.reserveMore(n('o1'), n('k2'))).toEqual({
      allocations: [{ warehouseId: n('w1'), sku: n('a'), quantity: 2 }],
      backordered: [{ sku: n('a'), quantity: 3 }],
    });
    await h.ledger.receive({ warehouseId: n('w2'), sku: n('a'), quantity: 1, key: n('r1') });
    await h.ledger.receive({ warehouseId: n('w1'), sku: n('a'), quantity: 1, key: n('r2') });
    expect(await h.ledger.reserveMore(n('o1'), n('k3'))).toEqual({
      allocations: [
        { warehouseId: n('w1'), sku: n('a'), quantity: 3 },
        { warehouseId: n('w2'), sku: n('a'), quantity: 1 },
      ],
      backordered: [{ sku: n('a'), quantity: 1 }],
    });
    await h.ledger.receive({ warehouseId: n('w2'), sku: n('a'), quantity: 10, key: n('r3') });
    expect(await h.ledger.ordersAwaiting(n('a'))).toEqual([n('o1')]);
    expect((await h.ledger.reserveMore(n('o1'), n('k4'))).backordered).toEqual([]);
    expect(await h.ledger.ordersAwaiting(n('a'))).toEqual([]);
    expect(await h.ledger.reservations(n('o1'))).toEqual([
      { orderId: n('o1'), warehouseId: n('w1'), sku: n('a'), quantity: 3, status: 'held' },
      { orderId: n('o1'), warehouseId: n('w2'), sku: n('a'), quantity: 2, status: 'held' },
    ]);
    expect(await h.ledger.reconcile(undefined, { skus: [n('a')] })).toEqual({ ok: true, problems: [] });
  });

  it('releases every held unit and the order no longer awaits stock', async () => {
    const n = namer();
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: [{ sku: n('a') }], stock: [{ warehouseId: n('w'), sku: n('a'), quantity: 2 }] });
    await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 3 }], n('k1'));
    expect(await h.ledger.ordersAwaiting(n('a'))).toEqual([n('o1')]);
    expect(await h.ledger.release(n('o1'), n('k2'))).toEqual({ released: [{ warehouseId: n('w'), sku: n('a'), quantity: 2 }] });
    expect(await h.ledger.ordersAwaiting(n('a'))).toEqual([]);
    expect(await balances(h.knex, [n('a')])).toEqual([{ warehouse_id: n('w'), sku: n('a'), on_hand: 2, reserved: 0 }]);
    expect(await h.ledger.reservations(n('o1'))).toEqual([{ orderId: n('o1'), warehouseId: n('w'), sku: n('a'), quantity: 2, status: 'released' }]);
    const { movements } = await h.ledger.movements(n('a'), { limit: 1 });
    expect(movements[0]).toMatchObject({ kind: 'release', onHandDelta: 0, reservedDelta: -2, orderId: n('o1') });
    // Nothing more is held for a released order.
    expect(await h.ledger.reserveMore(n('o1'), n('k3'))).toEqual({ allocations: [], backordered: [] });
    expect(await h.ledger.release(n('o1'), n('k4'))).toEqual({ released: [] });
    expect(await h.ledger.reconcile(undefined, { skus: [n('a')] })).toEqual({ ok: true, problems: [] });
  });

  it('ships held units and restocks returns at the warehouses they shipped from', async () => {
    const n = namer();
    await givenStock(h.ledger, {
      warehouses: [{ id: n('w1'), priority: 1 }, { id: n('w2'), priority: 2 }],
      skus: [{ sku: n('a') }, { sku: n('b') }],
      stock: [
        { warehouseId: n('w1'), sku: n('a'), quantity: 2 },
        { warehouseId: n('w2'), sku: n('a'), quantity: 5 },
        { warehouseId: n('w2'), sku: n('b'), quantity: 5 },
      ],
    });
    await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 4 }, { sku: n('b'), quantity: 1 }], n('k1'));
    expect(await h.ledger.ship(n('o1'), n('k2'))).toEqual({
      shipped: [
        { warehouseId: n('w2'), sku: n('a'), quantity: 4 },
        { warehouseId: n('w2'), sku: n('b'), quantity: 1 },
      ],
    });
    expect(await balances(h.knex, [n('a'), n('b')])).toEqual([
      { warehouse_id: n('w1'), sku: n('a'), on_hand: 2, reserved: 0 },
      { warehouse_id: n('w2'), sku: n('a'), on_hand: 1, reserved: 0 },
      { warehouse_id: n('w2'), sku: n('b'), on_hand: 4, reserved: 0 },
    ]);
    expect(await h.ledger.restock(n('o1'), [{ sku: n('a'), quantity: 3 }], n('k3'))).toEqual({
      restocked: [{ warehouseId: n('w2'), sku: n('a'), quantity: 3 }],
    });
    const refused = h.ledger.restock(n('o1'), [{ sku: n('a'), quantity: 2 }], n('k4'));
    await expect(refused).rejects.toBeInstanceOf(LedgerError);
    await expect(refused).rejects.toMatchObject({ code: 'INVALID_QUANTITY', details: { returnable: 1 } });
    expect(await h.ledger.restock(n('o1'), [{ sku: n('a'), quantity: 1 }, { sku: n('b'), quantity: 1 }], n('k5'))).toEqual({
      restocked: [
        { warehouseId: n('w2'), sku: n('a'), quantity: 1 },
        { warehouseId: n('w2'), sku: n('b'), quantity: 1 },
      ],
    });
    expect((await balances(h.knex, [n('a'), n('b')])).map((b) => b.on_hand)).toEqual([2, 5, 5]);
    const kinds = (await h.ledger.movements(n('a'))).movements.map((m) => m.kind);
    expect(kinds.slice(0, 3)).toEqual(['return', 'return', 'ship']);
    expect(await h.ledger.reconcile(undefined, { skus: [n('a'), n('b')] })).toEqual({ ok: true, problems: [] });
  });

  it('refuses unknown SKUs before recording anything', async () => {
    const n = namer();
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: [{ sku: n('a') }], stock: [{ warehouseId: n('w'), sku: n('a'), quantity: 2 }] });
    await expect(h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 1 }, { sku: n('ghost'), quantity: 1 }], n('k1'))).rejects.toMatchObject({
      code: 'UNKNOWN_SKU',
      details: { skus: [n('ghost')] },
    });
    await expect(h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: -1 }], n('k1'))).rejects.toMatchObject({ code: 'INVALID_QUANTITY' });
    expect(await h.ledger.reservations(n('o1'))).toEqual([]);
    expect(await balances(h.knex, [n('a')])).toEqual([{ warehouse_id: n('w'), sku: n('a'), on_hand: 2, reserved: 0 }]);
  });

  it('adds a second reserve of an open order to its demand', async () => {
    const n = namer();
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: [{ sku: n('a') }], stock: [{ warehouseId: n('w'), sku: n('a'), quantity: 3 }] });
    await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 2 }], n('k1'));
    expect(await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 2 }], n('k2'))).toEqual({
      allocations: [{ warehouseId: n('w'), sku: n('a'), quantity: 3 }],
      backordered: [{ sku: n('a'), quantity: 1 }],
    });
  });
});
