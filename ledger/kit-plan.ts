/**
 * Allocation of an order's remainder when it has kit lines (docs/design.md §18): every kit
 * unit's components from one warehouse, a unit no warehouse can make backordered whole, then
 * the plain lines as allocate() decides on what the kits left. The order's demand is kept in
 * component SKUs (so receipts wake it per SKU); `kits` says which components form kit units.
 */
import { allocateKitUnits, type KitDemand } from '../domain/kit';
import { allocate, rankWarehouses, type AllocationPlan, type WarehouseStock } from './allocate';
import { mergeAllocations } from './lines';
import type { OrderLine } from './types';

export type { KitDemand };

/** Validated and sorted for hashing; undefined when there are none. */
export function kitDemands(opts: { kits?: unknown } | undefined): KitDemand[] | undefined {
  const kits = opts?.kits;
  if (kits === undefined) return undefined;
  const ok =
    Array.isArray(kits) &&
    kits.every(
      (k: KitDemand) =>
        typeof k?.kit === 'string' &&
        Number.isInteger(k.units) &&
        k.units > 0 &&
        Array.isArray(k.components) &&
        k.components.length > 0 &&
        k.components.every((c) => typeof c?.sku === 'string' && Number.isInteger(c.quantity) && c.quantity > 0),
    );
  if (!ok) throw new TypeError('kits must be a list of {kit, units, components: [{sku, quantity}]}');
  const list = kits as KitDemand[];
  return list.length === 0 ? undefined : [...list].sort((a, b) => (a.kit < b.kit ? -1 : 1));
}

/**
 * The remainder split into kit units (as many whole units as every component's remainder
 * allows) and plain lines, kit units allocated first. What is left of a component beyond
 * whole units (a count took part of a kit's hold) is allocated like a plain line.
 */
export function allocateWithKits(remainder: readonly OrderLine[], warehouses: readonly WarehouseStock[], kits: readonly KitDemand[]): AllocationPlan & { kitBackordered: string[] } {
  const left = new Map(remainder.map((r) => [r.sku, r.quantity]));
  const kitLines = kits.map((k) => {
    const units = Math.max(0, Math.min(k.units, ...k.components.map((c) => Math.floor((left.get(c.sku) ?? 0) / c.quantity))));
    for (const c of k.components) left.set(c.sku, (left.get(c.sku) ?? 0) - c.quantity * units);
    return { kit: k.kit, units, components: k.components };
  });
  const stock = rankWarehouses(warehouses).map((w) => ({ warehouseId: w.warehouseId, priority: w.priority, active: true, available: new Map(w.available) }));
  const kitPlan = allocateKitUnits(
    kitLines.filter((k) => k.units > 0),
    stock,
  );
  const plain = allocate(
    [...left].filter(([, q]) => q > 0).map(([sku, quantity]) => ({ sku, quantity })),
    stock,
  );
  const backordered = new Map(plain.backordered.map((b) => [b.sku, b.quantity]));
  const kitBackordered: string[] = [];
  for (const k of kitLines) {
    const units = kitPlan.backorderedUnits.get(k.kit) ?? 0;
    for (const c of k.components) {
      if (units > 0) {
        backordered.set(c.sku, (backordered.get(c.sku) ?? 0) + c.quantity * units);
        kitBackordered.push(c.sku);
      }
    }
  }
  return {
    mode: 'split',
    allocations: mergeAllocations([...kitPlan.allocations, ...plain.allocations]),
    backordered: [...backordered].map(([sku, quantity]) => ({ sku, quantity })).sort((a, b) => (a.sku < b.sku ? -1 : 1)),
    kitBackordered: [...new Set(kitBackordered)],
  };
}
