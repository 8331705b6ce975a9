import type { Knex } from 'knex';

export const BENCH_WAREHOUSE = 'bench-w';
/** pgbench's rows live in an inactive warehouse: the ledger never allocates from them. */
export const PGBENCH_WAREHOUSE = 'pgbench-w';
export const HOT_SKU = 'hot';
export const SEED_ON_HAND = 1_000_000_000;

export const spreadSku = (i: number) => `spread-${String(i).padStart(6, '0')}`;

/**
 * Creates SKUs `spread-<from..to>` with stock in the given warehouses, in bulk SQL, and
 * the receipt movement of every balance so reconcile() agrees with what was seeded.
 */
export async function seedSkus(knex: Knex, from: number, to: number, warehouses: string[]): Promise<void> {
  await knex.raw(
    `INSERT INTO skus (sku, name) SELECT 'spread-' || lpad(g::text, 6, '0'), 'bench item' FROM generate_series(?::int, ?::int) g`,
    [from, to],
  );
  await seedStock(knex, `SELECT 'spread-' || lpad(g::text, 6, '0') AS sku FROM generate_series(${from}, ${to}) g`, warehouses);
}

export async function seedStock(knex: Knex, skuQuery: string, warehouses: string[]): Promise<void> {
  for (const w of warehouses) {
    await knex.raw(
      `INSERT INTO stock_levels (warehouse_id, sku, on_hand, reserved) SELECT ?, s.sku, ?::int, 0 FROM (${skuQuery}) s`,
      [w, SEED_ON_HAND],
    );
    await knex.raw(
      `INSERT INTO stock_movements (warehouse_id, sku, kind, on_hand_delta, reserved_delta, idempotency_key, reason)
       SELECT ?, s.sku, 'receipt', ?::int, 0, 'bench-seed:' || ? || ':' || s.sku, 'bench seed' FROM (${skuQuery}) s`,
      [w, SEED_ON_HAND, w],
    );
  }
  await knex.raw('ANALYZE');
}

export async function seedBench(knex: Knex, spreadCount: number): Promise<void> {
  await knex('warehouses').insert([
    { id: BENCH_WAREHOUSE, name: 'bench', priority: 1, active: true },
    { id: PGBENCH_WAREHOUSE, name: 'pgbench baseline', priority: 99, active: false },
  ]);
  await knex('skus').insert({ sku: HOT_SKU, name: 'hot item' });
  await seedStock(knex, `SELECT '${HOT_SKU}'::text AS sku`, [BENCH_WAREHOUSE, PGBENCH_WAREHOUSE]);
  await seedSkus(knex, 0, spreadCount - 1, [BENCH_WAREHOUSE, PGBENCH_WAREHOUSE]);
}
