import { allocate } from '../ledger/allocate';
import type { WarehouseStock } from '../ledger/allocate';
import { mergeAllocations, mergeLines } from '../ledger/lines';
import { givenStock, ledgerHarness, namer } from './ledger.fixtures';

/** Small deterministic PRNG so a failing scenario can be replayed from its seed. */
function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s % n;
  };
}

/*
 * reserve() tries ledger_reserve_single() (SQL, one round trip) before the TypeScript
 * planner. Both must agree with allocate() in every scenario, and the SQL path must be
 * the one taken whenever allocate() picks a single warehouse.
 */
describe('reservation fast path agrees with allocate()', () => {
  const h = ledgerHarness();
  afterAll(() => h.close());

  it.each(Array.from({ length: 24 }, (_, i) => i + 1))('random scenario %i', async (seed) => {
    const rand = prng(seed * 7919);
    const n = namer();
    const skus = [n('a'), n('b'), n('c')];
    const warehouses = ['w-x', 'w-y', 'w-z', 'w-q'].slice(0, 2 + rand(3)).map((id) => ({
      id: n(id),
      priority: [1, 2, 2, 3][rand(4)],
      active: rand(5) > 0,
    }));
    const stock = warehouses.flatMap((w) => skus.map((sku) => ({ warehouseId: w.id, sku, quantity: rand(4) }))).filter((s) => s.quantity > 0);
    await givenStock(h.ledger, { warehouses, skus: skus.map((sku) => ({ sku })), stock });
    const lines = mergeLines(Array.from({ length: 1 + rand(3) }, () => ({ sku: skus[rand(3)], quantity: 1 + rand(4) })));

    const stocks: WarehouseStock[] = warehouses.map((w) => ({
      warehouseId: w.id,
      priority: w.priority,
      active: w.active,
      available: new Map(stock.filter((s) => s.warehouseId === w.id).map((s) => [s.sku, s.quantity])),
    }));
    const expected = allocate(lines, stocks);

    let queries = 0;
    const count = () => queries++;
    h.knex.on('query', count);
    const result = await h.ledger.reserve(n('o'), lines, n('k')).finally(() => h.knex.removeListener('query', count));

    expect(result).toEqual({ allocations: mergeAllocations(expected.allocations), backordered: expected.backordered });
    if (expected.mode === 'single') expect(queries).toBe(1);
    else expect(queries).toBeGreaterThan(1);
    expect(await h.ledger.reconcile(undefined, { skus })).toEqual({ ok: true, problems: [] });
  });
});
