import { givenStock, ledgerHarness, namer } from './ledger.fixtures';

describe('ledger reconcile', () => {
  const h = ledgerHarness();
  afterAll(() => h.close());

  async function stocked() {
    const n = namer();
    const skus = [n('a'), n('b')];
    await givenStock(h.ledger, {
      warehouses: [{ id: n('w') }],
      skus: skus.map((sku) => ({ sku })),
      stock: skus.map((sku) => ({ warehouseId: n('w'), sku, quantity: 10 })),
    });
    await h.ledger.reserve(n('o1'), [{ sku: skus[0], quantity: 3 }, { sku: skus[1], quantity: 1 }], n('k1'));
    await h.ledger.reserve(n('o2'), [{ sku: skus[0], quantity: 2 }], n('k2'));
    return { n, skus };
  }

  it('reports nothing on a clean ledger', async () => {
    const { skus } = await stocked();
    expect(await h.ledger.reconcile(async () => new Set(), { skus })).toEqual({ ok: true, problems: [] });
  });

  it('finds balances corrupted behind its back', async () => {
    const { n, skus } = await stocked();
    const row = h.knex('stock_levels').where({ warehouse_id: n('w'), sku: skus[0] });
    await row.clone().update({ on_hand: h.knex.raw('on_hand + 4'), reserved: h.knex.raw('reserved + 1') });
    try {
      const report = await h.ledger.reconcile(undefined, { skus });
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual(
        expect.arrayContaining([
          { kind: 'on_hand_mismatch', warehouseId: n('w'), sku: skus[0], balance: 14, movements: 10 },
          { kind: 'reserved_mismatch', warehouseId: n('w'), sku: skus[0], balance: 6, movements: 5 },
          { kind: 'reserved_vs_held', warehouseId: n('w'), sku: skus[0], reserved: 6, held: 5 },
        ]),
      );
      expect(report.problems).toHaveLength(3);
      // Scoped to the other SKU it sees nothing wrong.
      expect(await h.ledger.reconcile(undefined, { skus: [skus[1]] })).toEqual({ ok: true, problems: [] });
    } finally {
      await row.clone().update({ on_hand: h.knex.raw('on_hand - 4'), reserved: h.knex.raw('reserved - 1') });
    }
    expect(await h.ledger.reconcile(undefined, { skus })).toEqual({ ok: true, problems: [] });
  });

  it('finds held stock of orders the callback says are closed', async () => {
    const { n, skus } = await stocked();
    const asked: string[][] = [];
    const report = await h.ledger.reconcile(
      async (ids) => {
        asked.push(ids);
        return new Set(ids.filter((id) => id === n('o1')));
      },
      { skus },
    );
    expect(asked).toEqual([[n('o1'), n('o2')]]);
    expect(report).toEqual({
      ok: false,
      problems: [
        { kind: 'held_for_closed_order', orderId: n('o1'), warehouseId: n('w'), sku: skus[0], quantity: 3 },
        { kind: 'held_for_closed_order', orderId: n('o1'), warehouseId: n('w'), sku: skus[1], quantity: 1 },
      ],
    });
    // Once released, the order's stock is no longer a problem.
    await h.ledger.release(n('o1'), n('rel'));
    expect(await h.ledger.reconcile(async (ids) => new Set(ids), { skus: [skus[1]] })).toEqual({ ok: true, problems: [] });
  });
});
