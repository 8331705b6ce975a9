import type { WarehouseStock } from './allocate';
import type { OrderLine, ReservationStatus } from './types';

/** `closed`: the whole demand shipped; like `released`, it awaits nothing. */
export type LedgerOrderStatus = 'open' | 'released' | 'closed';

/** What ledger_context() returns: everything a write plans from, read in one snapshot. */
export interface LedgerContext {
  stored: StoredResult | null;
  order: { version: number; status: LedgerOrderStatus } | null;
  demand: OrderLine[];
  reservations: Array<{ warehouseId: string; sku: string; status: ReservationStatus; quantity: number }>;
  returned: Array<{ warehouseId: string; sku: string; quantity: number }>;
  knownSkus: string[];
  warehouse: { id: string; active: boolean } | null;
  hasActiveWarehouse: boolean;
  levels: Array<{ warehouseId: string; priority: number; sku: string; available: number }>;
}

export interface StoredResult {
  op: string;
  hash: string;
  result: unknown;
}

export interface ContextRequest {
  key: string;
  orderId?: string;
  warehouseId?: string;
  skus?: string[];
  /** Lock the order and the balance rows up front (the fallback after repeated stale plans). */
  lock?: boolean;
}

/** Active warehouses with stock of the context's SKUs, in the allocator's shape, minus `exclude`. */
export function stockFromContext(ctx: LedgerContext, exclude: ReadonlySet<string> = new Set()): WarehouseStock[] {
  const byWarehouse = new Map<string, WarehouseStock & { available: Map<string, number> }>();
  for (const l of ctx.levels) {
    if (exclude.has(l.warehouseId)) continue;
    let w = byWarehouse.get(l.warehouseId);
    if (!w) {
      w = { warehouseId: l.warehouseId, priority: l.priority, active: true, available: new Map() };
      byWarehouse.set(l.warehouseId, w);
    }
    w.available.set(l.sku, l.available);
  }
  return [...byWarehouse.values()];
}

export function unknownIn(ctx: LedgerContext, skus: readonly string[]): string[] {
  const known = new Set(ctx.knownSkus);
  return skus.filter((s) => !known.has(s));
}
