import { givenStock, ledgerHarness, namer } from './ledger.fixtures';
import type { LedgerHarness } from './ledger.fixtures';

async function alertRows(h: LedgerHarness, sku: string) {
  return h.knex('reorder_alerts').where({ sku }).orderBy('id').select<Array<{ available: number; reorder_point: number; cleared_at: Date | null }>>(
    'available',
    'reorder_point',
    'cleared_at',
  );
}

describe('ledger reorder alerts', () => {
  const h = ledgerHarness();
  afterAll(() => h.close());

  it('open once per crossing of the reorder point and clear when stock comes back', async () => {
    const n = namer();
    const sku = n('a');
    await givenStock(h.ledger, { warehouses: [{ id: n('w1') }, { id: n('w2') }], skus: [{ sku, reorderPoint: 5 }] });
    await h.ledger.receive({ warehouseId: n('w1'), sku, quantity: 8, key: n('r1') });
    await h.ledger.receive({ warehouseId: n('w2'), sku, quantity: 2, key: n('r2') });
    await h.ledger.reserve(n('o1'), [{ sku, quantity: 4 }], n('k1'));
    expect(await alertRows(h, sku)).toEqual([]);

    // available 10 -> 6 -> 5: crosses to "at or below" — one alert.
    await h.ledger.reserve(n('o2'), [{ sku, quantity: 1 }], n('k2'));
    let open = (await h.ledger.openAlerts()).filter((x) => x.sku === sku);
    expect(open).toEqual([{ id: expect.any(String), sku, available: 5, reorderPoint: 5, openedAt: expect.any(String) }]);

    // Further movements below the point do not open another.
    await h.ledger.reserve(n('o3'), [{ sku, quantity: 2 }], n('k3'));
    await h.ledger.adjust({ warehouseId: n('w2'), sku, delta: -1, reason: 'broken', key: n('j1') });
    expect(await alertRows(h, sku)).toHaveLength(1);

    // Back above the point: cleared, and no longer listed.
    await h.ledger.release(n('o1'), n('rel1'));
    const rows = await alertRows(h, sku);
    expect(rows).toHaveLength(1);
    expect(rows[0].cleared_at).toBeInstanceOf(Date);
    expect((await h.ledger.openAlerts()).filter((x) => x.sku === sku)).toEqual([]);

    // A second crossing opens a second alert.
    await h.ledger.ship(n('o2'), n('ship2'));
    await h.ledger.reserve(n('o4'), [{ sku, quantity: 3 }], n('k4'));
    open = (await h.ledger.openAlerts()).filter((x) => x.sku === sku);
    expect(open).toHaveLength(1);
    expect(await alertRows(h, sku)).toHaveLength(2);
  });

  it('re-evaluates when the reorder point itself changes', async () => {
    const n = namer();
    const sku = n('a');
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: [{ sku, reorderPoint: 2 }], stock: [{ warehouseId: n('w'), sku, quantity: 5 }] });
    expect((await h.ledger.openAlerts()).filter((x) => x.sku === sku)).toEqual([]);
    await h.ledger.upsertSku({ sku, name: 'item', reorderPoint: 5 });
    expect((await h.ledger.openAlerts()).filter((x) => x.sku === sku)).toMatchObject([{ available: 5, reorderPoint: 5 }]);
    await h.ledger.upsertSku({ sku, name: 'item', reorderPoint: 4 });
    expect((await h.ledger.openAlerts()).filter((x) => x.sku === sku)).toEqual([]);
  });

  it('concurrent reservations across warehouses open exactly one alert', async () => {
    const n = namer();
    const sku = n('a');
    await givenStock(h.ledger, {
      warehouses: [{ id: n('w1') }, { id: n('w2') }],
      skus: [{ sku, reorderPoint: 10 }],
      stock: [
        { warehouseId: n('w1'), sku, quantity: 15 },
        { warehouseId: n('w2'), sku, quantity: 15 },
      ],
    });
    await Promise.all(Array.from({ length: 25 }, (_, i) => h.ledger.reserve(n(`o${i}`), [{ sku, quantity: 1 }], n(`k${i}`))));
    expect(await alertRows(h, sku)).toEqual([{ available: 10, reorder_point: 10, cleared_at: null }]);
  });
});
