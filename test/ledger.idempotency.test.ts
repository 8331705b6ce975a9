import { balances, givenStock, ledgerHarness, movementCount, namer } from './ledger.fixtures';
import type { LedgerHarness } from './ledger.fixtures';

/** Runs `op` twice with the same key: same result, and the second changes no row. */
async function expectNoSecondEffect<T>(h: LedgerHarness, skus: string[], op: () => Promise<T>): Promise<T> {
  const first = await op();
  const movementsAfterFirst = await movementCount(h.knex, skus);
  const balancesAfterFirst = await balances(h.knex, skus);
  const second = await op();
  expect(second).toEqual(first);
  expect(await movementCount(h.knex, skus)).toBe(movementsAfterFirst);
  expect(await balances(h.knex, skus)).toEqual(balancesAfterFirst);
  return first;
}

describe('ledger idempotency', () => {
  const h = ledgerHarness(12);
  afterAll(() => h.close());

  it('every write repeated with its key has no second effect', async () => {
    const n = namer();
    const skus = [n('a'), n('b')];
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: skus.map((sku) => ({ sku })) });
    const w = n('w');

    await expectNoSecondEffect(h, skus, () => h.ledger.receive({ warehouseId: w, sku: n('a'), quantity: 5, key: n('recv') }));
    await expectNoSecondEffect(h, skus, () => h.ledger.adjust({ warehouseId: w, sku: n('a'), delta: 1, reason: 'found', key: n('adj') }));
    const reserved = await expectNoSecondEffect(h, skus, () =>
      h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 4 }, { sku: n('b'), quantity: 2 }], n('res')),
    );
    expect(reserved.backordered).toEqual([{ sku: n('b'), quantity: 2 }]);
    await h.ledger.receive({ warehouseId: w, sku: n('b'), quantity: 9, key: n('recv-b') });
    const more = await expectNoSecondEffect(h, skus, () => h.ledger.reserveMore(n('o1'), n('more')));
    expect(more.backordered).toEqual([]);
    await expectNoSecondEffect(h, skus, () => h.ledger.ship(n('o1'), n('ship')));
    await expectNoSecondEffect(h, skus, () => h.ledger.restock(n('o1'), [{ sku: n('a'), quantity: 1 }], n('ret')));
    await h.ledger.reserve(n('o2'), [{ sku: n('a'), quantity: 1 }], n('res2'));
    const released = await expectNoSecondEffect(h, skus, () => h.ledger.release(n('o2'), n('rel')));
    expect(released.released).toEqual([{ warehouseId: w, sku: n('a'), quantity: 1 }]);

    expect(await balances(h.knex, skus)).toEqual([
      { warehouse_id: w, sku: n('a'), on_hand: 3, reserved: 0 },
      { warehouse_id: w, sku: n('b'), on_hand: 7, reserved: 0 },
    ]);
    expect(await h.ledger.reconcile(undefined, { skus })).toEqual({ ok: true, problems: [] });
  });

  it('returns the first result even after the order moved on', async () => {
    const n = namer();
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: [{ sku: n('a') }], stock: [{ warehouseId: n('w'), sku: n('a'), quantity: 1 }] });
    const first = await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 2 }], n('res'));
    await h.ledger.receive({ warehouseId: n('w'), sku: n('a'), quantity: 5, key: n('recv') });
    await h.ledger.reserveMore(n('o1'), n('more'));
    expect(await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 2 }], n('res'))).toEqual(first);
    expect(first.backordered).toEqual([{ sku: n('a'), quantity: 1 }]);
  });

  it('treats the same key with different arguments as a conflict', async () => {
    const n = namer();
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: [{ sku: n('a') }], stock: [{ warehouseId: n('w'), sku: n('a'), quantity: 5 }] });
    await h.ledger.receive({ warehouseId: n('w'), sku: n('a'), quantity: 1, key: n('k') });
    await expect(h.ledger.receive({ warehouseId: n('w'), sku: n('a'), quantity: 2, key: n('k') })).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    await expect(h.ledger.adjust({ warehouseId: n('w'), sku: n('a'), delta: 1, reason: 'x', key: n('k') })).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 1 }], n('r'));
    await expect(h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 2 }], n('r'))).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    await expect(h.ledger.reserve(n('o2'), [{ sku: n('a'), quantity: 1 }], n('r'))).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    await expect(h.ledger.release(n('o1'), n('r'))).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    // Lines in another order, or split differently, are the same request.
    await h.ledger.reserve(n('o3'), [{ sku: n('a'), quantity: 1 }, { sku: n('a'), quantity: 1 }], n('r3'));
    await expect(h.ledger.reserve(n('o3'), [{ sku: n('a'), quantity: 2 }], n('r3'))).resolves.toBeDefined();
    expect(await balances(h.knex, [n('a')])).toEqual([{ warehouse_id: n('w'), sku: n('a'), on_hand: 6, reserved: 3 }]);
  });

  it('concurrent duplicates of one key take effect once and all get the first result', async () => {
    const n = namer();
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: [{ sku: n('a') }] });
    const receipts = await Promise.all(
      Array.from({ length: 10 }, () => h.ledger.receive({ warehouseId: n('w'), sku: n('a'), quantity: 3, key: n('recv') })),
    );
    expect(new Set(receipts.map((r) => JSON.stringify(r))).size).toBe(1);
    const reserves = await Promise.all(Array.from({ length: 10 }, () => h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 2 }], n('res'))));
    expect(new Set(reserves.map((r) => JSON.stringify(r))).size).toBe(1);
    // Same key, different orders: they do not share an order lock, so the key's unique index decides.
    const crossOrder = await Promise.allSettled([
      h.ledger.reserve(n('o2'), [{ sku: n('a'), quantity: 1 }], n('shared')),
      h.ledger.reserve(n('o3'), [{ sku: n('a'), quantity: 1 }], n('shared')),
    ]);
    expect(crossOrder.map((s) => s.status).sort()).toEqual(['fulfilled', 'rejected']);
    const loser = crossOrder.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(loser?.reason).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    expect(await movementCount(h.knex, [n('a')])).toBe(3);
    expect(await balances(h.knex, [n('a')])).toEqual([{ warehouse_id: n('w'), sku: n('a'), on_hand: 3, reserved: 3 }]);
    expect(await h.ledger.reconcile(undefined, { skus: [n('a')] })).toEqual({ ok: true, problems: [] });
  });
});
