/**
 * Availability read from the ledger: the SQL sums free stock per SKU over the channel's
 * active warehouses, a page of SKUs at a time (keyset on sku); the rule is applied by
 * channels/formula.ts, so the formula exists once.
 */
import type { Knex } from 'knex';
import { kitComponents } from '../ledger/kits';
import { atp, channelAvailable } from './formula';
import { componentFree, kitFreeAt } from './kit-availability';
import { ruleOf, type ChannelRow } from './store';

export const AVAILABILITY_PAGE = 500;

export interface AvailabilityPage {
  items: Array<{ sku: string; available: number }>;
  next?: string;
}

interface FreeRow {
  sku: string;
  safety_stock: number;
  free: number;
}

// A warehouse set of NULL means every active warehouse. The page of SKUs is chosen first
// (index range on skus' primary key), then only its stock rows are read.
const PAGE_SQL = `
WITH page AS (
  SELECT sku, safety_stock FROM skus
   WHERE (?::text IS NULL OR sku > ?::text) AND (?::text IS NULL OR sku = ?::text)
   ORDER BY sku LIMIT ?
)
SELECT p.sku, p.safety_stock,
       coalesce((SELECT sum(sl.on_hand - sl.reserved)
                   FROM stock_levels sl JOIN warehouses w ON w.id = sl.warehouse_id AND w.active
                  WHERE sl.sku = p.sku AND (?::text[] IS NULL OR sl.warehouse_id = ANY (?::text[]))), 0)::integer AS free
  FROM page p
 ORDER BY p.sku`;

export async function availabilityPage(
  knex: Knex,
  channel: ChannelRow,
  page: { after?: string; sku?: string; limit?: number } = {},
): Promise<AvailabilityPage> {
  const limit = page.limit ?? AVAILABILITY_PAGE;
  const after = page.after ?? null;
  const sku = page.sku ?? null;
  const { rows } = await knex.raw<{ rows: FreeRow[] }>(PAGE_SQL, [after, after, sku, sku, limit + 1, channel.warehouse_ids, channel.warehouse_ids]);
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const rule = ruleOf(channel);
  // A kit has no balance rows: its free units come from its components' (docs/design.md §18).
  const kits = await kitComponents(knex, shown.map((r) => r.sku));
  const componentsFree = Object.keys(kits).length > 0 ? await componentFree(knex, kits) : new Map();
  const freeOf = (r: FreeRow) => (kits[r.sku] ? kitFreeAt(kits, r.sku, componentsFree, channel.warehouse_ids) : r.free);
  return {
    items: shown.map((r) => ({ sku: r.sku, available: channelAvailable(atp(freeOf(r), r.safety_stock), rule) })),
    ...(more ? { next: shown[shown.length - 1].sku } : {}),
  };
}

export interface SkuAvailability {
  sku: string;
  /** ATP over every active warehouse, floored at 0: what the ledger could sell with no channel rule. */
  available: number;
  byChannel: Record<string, number>;
}

/** Every channel's figure for some SKUs, in one query (the watcher's input). */
export async function availabilityBySku(knex: Knex, skus: string[], channels: ChannelRow[]): Promise<SkuAvailability[]> {
  if (skus.length === 0) return [];
  const { rows } = await knex.raw<{ rows: Array<{ sku: string; safety_stock: number; per_warehouse: Record<string, number> | null }> }>(
    `SELECT s.sku, s.safety_stock,
            (SELECT jsonb_object_agg(sl.warehouse_id, sl.on_hand - sl.reserved)
               FROM stock_levels sl JOIN warehouses w ON w.id = sl.warehouse_id AND w.active
              WHERE sl.sku = s.sku) AS per_warehouse
       FROM skus s WHERE s.sku = ANY (?::text[]) ORDER BY s.sku`,
    [skus],
  );
  const kits = await kitComponents(knex, skus);
  const componentsFree = Object.keys(kits).length > 0 ? await componentFree(knex, kits) : new Map();
  return rows.map((r) => {
    const perWarehouse = Object.entries(r.per_warehouse ?? {});
    const freeAt = (ids: string[] | null) =>
      kits[r.sku] ? kitFreeAt(kits, r.sku, componentsFree, ids) : perWarehouse.filter(([id]) => ids === null || ids.includes(id)).reduce((t, [, n]) => t + n, 0);
    const byChannel: Record<string, number> = {};
    for (const c of channels) byChannel[c.id] = channelAvailable(atp(freeAt(c.warehouse_ids), r.safety_stock), ruleOf(c));
    return { sku: r.sku, available: Math.max(0, atp(freeAt(null), r.safety_stock)), byChannel };
  });
}
