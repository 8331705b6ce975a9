/**
 * What a kit can be sold of (docs/design.md §18): per warehouse the kit units its components'
 * free stock makes, summed over warehouses — read from the components' balance rows.
 */
import type { Knex } from 'knex';
import { kitAvailable, type KitBook } from '../domain/kit';

export type FreeByWarehouse = Map<string, Map<string, number>>;

/** Free units (on hand − reserved) of the kits' components at every active warehouse. */
export async function componentFree(db: Knex | Knex.Transaction, book: KitBook): Promise<FreeByWarehouse> {
  const components = [...new Set(Object.values(book).flatMap((cs) => cs.map((c) => c.sku)))];
  const free: FreeByWarehouse = new Map();
  if (components.length === 0) return free;
  const { rows } = await db.raw<{ rows: Array<{ warehouse_id: string; sku: string; free: number }> }>(
    `SELECT sl.warehouse_id, sl.sku, sl.on_hand - sl.reserved AS free
       FROM stock_levels sl JOIN warehouses w ON w.id = sl.warehouse_id AND w.active
      WHERE sl.sku = ANY (?::text[])`,
    [components],
  );
  for (const r of rows) {
    if (!free.has(r.warehouse_id)) free.set(r.warehouse_id, new Map());
    free.get(r.warehouse_id)!.set(r.sku, r.free);
  }
  return free;
}

/** The kit units over `warehouseIds` (null: every active warehouse). */
export function kitFreeAt(book: KitBook, kit: string, free: FreeByWarehouse, warehouseIds: readonly string[] | null): number {
  const within: FreeByWarehouse = new Map([...free].filter(([id]) => warehouseIds === null || warehouseIds.includes(id)));
  return kitAvailable(book[kit] ?? [], within);
}
