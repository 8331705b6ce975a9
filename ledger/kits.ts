/**
 * The catalog's kits (docs/design.md §18): a kit is a SKU with component rows. Written under
 * one advisory lock so two kit definitions cannot make a kit of kits between them.
 */
import type { Knex } from 'knex';
import type { KitBook, KitComponent, KitProblem } from '../domain/kit';

const KITS_LOCK = 'SELECT pg_advisory_xact_lock(4998217, 0)';

/** The kits among `skus` and their components. */
export async function kitComponents(db: Knex | Knex.Transaction, skus: readonly string[]): Promise<KitBook> {
  if (skus.length === 0) return {};
  const rows = await db('kit_components').whereIn('kit_sku', [...new Set(skus)]).orderBy(['kit_sku', 'component_sku']).select<Array<{ kit_sku: string; component_sku: string; quantity: number }>>();
  const book: Record<string, KitComponent[]> = {};
  for (const r of rows) (book[r.kit_sku] ??= []).push({ sku: r.component_sku, quantity: r.quantity });
  return book;
}

/** Kits made (partly) of any of `skus`: their availability moves when a component's does. */
export async function kitsContaining(db: Knex | Knex.Transaction, skus: readonly string[]): Promise<string[]> {
  if (skus.length === 0) return [];
  const rows = await db('kit_components').distinct('kit_sku').whereIn('component_sku', [...new Set(skus)]);
  return rows.map((r: { kit_sku: string }) => r.kit_sku).sort();
}

/**
 * Creates or updates the SKU as a kit of `components` (merged per SKU). Orders placed before
 * keep the components they were accepted with (snapshotted at intake).
 */
export async function putKit(knex: Knex, input: { sku: string; name: string; components: KitComponent[] }): Promise<{ created: boolean } | { problem: KitProblem }> {
  return knex.transaction(async (trx) => {
    await trx.raw(KITS_LOCK);
    const merged = new Map<string, number>();
    for (const c of input.components) merged.set(c.sku, (merged.get(c.sku) ?? 0) + c.quantity);
    const parts = [...merged.keys()];
    const idx = (sku: string) => input.components.findIndex((c) => c.sku === sku);
    if (merged.has(input.sku)) return { problem: { code: 'kit_of_kits', message: `a kit cannot contain itself`, field: `components.${idx(input.sku)}.sku`, sku: input.sku } };
    const known = new Set((await trx('skus').whereIn('sku', parts).select('sku')).map((r: { sku: string }) => r.sku));
    const unknown = parts.find((p) => !known.has(p));
    if (unknown) return { problem: { code: 'unknown_sku', message: `unknown component sku: ${unknown}`, field: `components.${idx(unknown)}.sku`, sku: unknown } };
    const kits = await kitComponents(trx, parts);
    const nested = parts.find((p) => kits[p] !== undefined);
    if (nested) return { problem: { code: 'kit_of_kits', message: `component ${nested} is itself a kit`, field: `components.${idx(nested)}.sku`, sku: nested } };
    const parent = await trx('kit_components').where({ component_sku: input.sku }).first('kit_sku');
    if (parent) return { problem: { code: 'kit_is_component', message: `${input.sku} is a component of kit ${parent.kit_sku}: it cannot be a kit`, field: 'components', sku: input.sku } };
    const stocked = await trx('stock_levels').where({ sku: input.sku }).andWhere((q) => q.where('on_hand', '>', 0).orWhere('reserved', '>', 0)).first('warehouse_id');
    if (stocked) return { problem: { code: 'kit_has_stock', message: `${input.sku} has stock at ${stocked.warehouse_id}: a kit has no stock of its own`, field: 'components', sku: input.sku } };

    const { rows } = await trx.raw<{ rows: Array<{ created: boolean }> }>(
      `INSERT INTO skus (sku, name) VALUES (?, ?) ON CONFLICT (sku) DO UPDATE SET name = excluded.name RETURNING (xmax = 0) AS created`,
      [input.sku, input.name],
    );
    await trx('kit_components').where({ kit_sku: input.sku }).del();
    await trx('kit_components').insert([...merged].map(([component_sku, quantity]) => ({ kit_sku: input.sku, component_sku, quantity })));
    // The kit's availability is new or changed: the watcher announces it.
    await trx('stock_change_marks').insert({ sku: input.sku });
    return { created: rows[0].created };
  });
}
