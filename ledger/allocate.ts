import { compareIds } from './lines';
import type { Allocation, OrderLine } from './types';

/** What one warehouse can give right now. */
export interface WarehouseStock {
  warehouseId: string;
  /** Lower number = picked first (1 beats 10); ties go to the smaller id. */
  priority: number;
  active: boolean;
  /** Available (on hand minus reserved) per SKU; a missing SKU means none. */
  available: ReadonlyMap<string, number>;
}

export interface AllocationPlan {
  /** `single`: one warehouse fills everything; `split`: SKUs spread by priority. */
  mode: 'single' | 'split' | 'empty';
  allocations: Allocation[];
  backordered: OrderLine[];
}

export function rankWarehouses(warehouses: readonly WarehouseStock[]): WarehouseStock[] {
  return warehouses
    .filter((w) => w.active)
    .sort((a, b) => a.priority - b.priority || compareIds(a.warehouseId, b.warehouseId));
}

/**
 * Decides where an order's demand is held. Prefers the highest-priority warehouse that
 * can fill every line (one shipment); otherwise takes each SKU greedily from warehouses
 * in priority order, and whatever no warehouse has is backordered.
 */
export function allocate(demand: readonly OrderLine[], warehouses: readonly WarehouseStock[]): AllocationPlan {
  const wanted = new Map<string, number>();
  for (const line of demand) {
    if (line.quantity > 0) wanted.set(line.sku, (wanted.get(line.sku) ?? 0) + line.quantity);
  }
  const skus = [...wanted.keys()].sort(compareIds);
  if (skus.length === 0) return { mode: 'empty', allocations: [], backordered: [] };

  const ranked = rankWarehouses(warehouses);
  const availableAt = (w: WarehouseStock, sku: string) => Math.max(0, w.available.get(sku) ?? 0);

  const whole = ranked.find((w) => skus.every((sku) => availableAt(w, sku) >= (wanted.get(sku) ?? 0)));
  if (whole) {
    return {
      mode: 'single',
      allocations: skus.map((sku) => ({ warehouseId: whole.warehouseId, sku, quantity: wanted.get(sku) ?? 0 })),
      backordered: [],
    };
  }

  const allocations: Allocation[] = [];
  const backordered: OrderLine[] = [];
  for (const sku of skus) {
    let remaining = wanted.get(sku) ?? 0;
    for (const w of ranked) {
      if (remaining === 0) break;
      const take = Math.min(remaining, availableAt(w, sku));
      if (take > 0) {
        allocations.push({ warehouseId: w.warehouseId, sku, quantity: take });
        remaining -= take;
      }
    }
    if (remaining > 0) backordered.push({ sku, quantity: remaining });
  }
  return { mode: 'split', allocations, backordered };
}
