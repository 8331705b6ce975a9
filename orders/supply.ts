/**
 * Stock in motion of one SKU (docs/design.md §15), read from the PO and transfer lines:
 * incoming (outstanding units of open POs, at their warehouse), in transit (shipped − received
 * − lost of transfers on the road, at their destination) and the dated supply list (POs, and
 * transfers from request to receipt, toward their destination), earliest first, undated last.
 */
import type { Knex } from 'knex';

export interface SupplyEntry {
  warehouseId: string;
  quantity: number;
  expectedAt: string | null;
  source: 'purchase_order' | 'transfer';
  id: string;
}

export interface StockInMotion {
  incoming: Map<string, number>;
  inTransit: Map<string, number>;
  supply: SupplyEntry[];
}

/** Earliest first, undated last, then by id: one total order every reader agrees on. */
export function compareSupply(a: Pick<SupplyEntry, 'expectedAt' | 'id' | 'source'>, b: Pick<SupplyEntry, 'expectedAt' | 'id' | 'source'>): number {
  if (a.expectedAt !== b.expectedAt) {
    if (a.expectedAt === null) return 1;
    if (b.expectedAt === null) return -1;
    const d = Date.parse(a.expectedAt) - Date.parse(b.expectedAt);
    if (d !== 0) return d;
  }
  const ka = `${a.source}:${a.id}`;
  const kb = `${b.source}:${b.id}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

const SUPPLY_SQL = `
SELECT 'purchase_order' AS source, l.purchase_order_id AS id, l.sku, l.warehouse_id, l.ordered - l.received AS quantity, p.expected_at, false AS in_transit
  FROM purchase_order_lines l JOIN purchase_orders p ON p.purchase_order_id = l.purchase_order_id
 WHERE l.sku = ANY(?::text[]) AND l.open AND l.ordered > l.received
UNION ALL
SELECT 'transfer', l.transfer_id, l.sku, l.to_warehouse_id,
       CASE WHEN l.status = 'requested' THEN l.quantity ELSE l.shipped - l.received - l.lost END, t.expected_at, l.status <> 'requested'
  FROM transfer_lines l JOIN transfers t ON t.transfer_id = l.transfer_id
 WHERE l.sku = ANY(?::text[]) AND l.status IN ('requested', 'in_transit', 'needs_attention')`;

interface SupplyRow {
  source: 'purchase_order' | 'transfer';
  id: string;
  sku: string;
  warehouse_id: string;
  quantity: number;
  expected_at: Date | null;
  in_transit: boolean;
}

/** Supply entries of several SKUs (promise dates read many at once), each list sorted. */
export async function supplyBySku(knex: Knex, skus: string[]): Promise<Map<string, Array<SupplyEntry & { inTransit: boolean }>>> {
  const out = new Map<string, Array<SupplyEntry & { inTransit: boolean }>>();
  if (skus.length === 0) return out;
  const { rows } = await knex.raw<{ rows: SupplyRow[] }>(SUPPLY_SQL, [skus, skus]);
  for (const r of rows) {
    if (r.quantity <= 0) continue;
    const list = out.get(r.sku) ?? [];
    list.push({ warehouseId: r.warehouse_id, quantity: r.quantity, expectedAt: r.expected_at ? r.expected_at.toISOString() : null, source: r.source, id: r.id, inTransit: r.in_transit });
    out.set(r.sku, list);
  }
  for (const list of out.values()) list.sort(compareSupply);
  return out;
}

export async function stockInMotion(knex: Knex, sku: string): Promise<StockInMotion> {
  const entries = (await supplyBySku(knex, [sku])).get(sku) ?? [];
  const incoming = new Map<string, number>();
  const inTransit = new Map<string, number>();
  for (const e of entries) {
    if (e.source === 'purchase_order') incoming.set(e.warehouseId, (incoming.get(e.warehouseId) ?? 0) + e.quantity);
    else if (e.inTransit) inTransit.set(e.warehouseId, (inTransit.get(e.warehouseId) ?? 0) + e.quantity);
  }
  return { incoming, inTransit, supply: entries.map(({ inTransit: _t, ...e }) => e) };
}
