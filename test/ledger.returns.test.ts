/** ledger.receiveReturn: a customer return restocked at the warehouse that received it. */
import { balances, givenStock, ledgerHarness, movementCount, namer } from './ledger.fixtures';

describe('ledger: receiveReturn', () => {
  const h = ledgerHarness();
  afterAll(() => h.close());

  it('puts units on hand at the receiving warehouse, once per key, never beyond shipped minus returned per SKU', async () => {
    const n = namer();
    await givenStock(h.ledger, {
      warehouses: [{ id: n('w1'), priority: 1 }, { id: n('w2'), priority: 2 }],
      skus: [{ sku: n('a') }],
      stock: [{ warehouseId: n('w1'), sku: n('a'), quantity: 3 }],
    });
    await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 3 }], n('k1'));
    await h.ledger.ship(n('o1'), n('k2'));

    const first = { orderId: n('o1'), returnId: n('r1'), warehouseId: n('w2'), lines: [{ sku: n('a'), quantity: 2 }], key: `${n('r1')}:receive` };
    expect(await h.ledger.receiveReturn(first)).toEqual({ restocked: [{ warehouseId: n('w2'), sku: n('a'), quantity: 2 }] });
    const moves = await movementCount(h.knex, [n('a')]);
    // A retried activity: the same key answers the first result and writes nothing.
    expect(await h.ledger.receiveReturn(first)).toEqual({ restocked: [{ warehouseId: n('w2'), sku: n('a'), quantity: 2 }] });
    expect(await movementCount(h.knex, [n('a')])).toBe(moves);
    expect(await balances(h.knex, [n('a')])).toEqual([
      { warehouse_id: n('w1'), sku: n('a'), on_hand: 0, reserved: 0 },
      { warehouse_id: n('w2'), sku: n('a'), on_hand: 2, reserved: 0 },
    ]);

    // 3 shipped, 2 back (elsewhere): 1 left, wherever it arrives.
    await expect(h.ledger.receiveReturn({ ...first, returnId: n('r2'), warehouseId: n('w1'), lines: [{ sku: n('a'), quantity: 2 }], key: `${n('r2')}:receive` })).rejects.toMatchObject({
      code: 'INVALID_QUANTITY',
      details: { sku: n('a'), requested: 2, returnable: 1 },
    });
    await expect(h.ledger.receiveReturn({ ...first, returnId: n('r2'), warehouseId: n('nowhere'), lines: [{ sku: n('a'), quantity: 1 }], key: `${n('r2')}:x` })).rejects.toMatchObject({
      code: 'UNKNOWN_WAREHOUSE',
    });
    await h.ledger.receiveReturn({ ...first, returnId: n('r2'), warehouseId: n('w1'), lines: [{ sku: n('a'), quantity: 1 }], key: `${n('r2')}:receive` });
    const movements = (await h.ledger.movements(n('a'))).movements.filter((m) => m.kind === 'return');
    expect(movements.map((m) => [m.warehouseId, m.onHandDelta, m.reason]).sort()).toEqual([
      [n('w1'), 1, `return ${n('r2')}`],
      [n('w2'), 2, `return ${n('r1')}`],
    ]);
    expect(await h.ledger.reconcile(undefined, { skus: [n('a')] })).toEqual({ ok: true, problems: [] });
  });

  it('concurrent receipts of one order cannot both pass the cap', async () => {
    const n = namer();
    await givenStock(h.ledger, { warehouses: [{ id: n('w1') }], skus: [{ sku: n('a') }], stock: [{ warehouseId: n('w1'), sku: n('a'), quantity: 1 }] });
    await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 1 }], n('k1'));
    await h.ledger.ship(n('o1'), n('k2'));
    const receipt = (r: string) => h.ledger.receiveReturn({ orderId: n('o1'), returnId: n(r), warehouseId: n('w1'), lines: [{ sku: n('a'), quantity: 1 }], key: `${n(r)}:receive` });
    const results = await Promise.allSettled([receipt('r1'), receipt('r2')]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await balances(h.knex, [n('a')])).toEqual([{ warehouse_id: n('w1'), sku: n('a'), on_hand: 1, reserved: 0 }]);
  });
});
