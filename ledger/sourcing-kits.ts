/**
 * Kit units in the sourcing plan (docs/design.md §18 with §17): every kit unit's components
 * are held at one warehouse, looked for in the rule's order (the warehouses with capacity left
 * today first, the full ones only for units no other can make) and within maxParcels; a unit
 * no warehouse can make is backordered whole. Pure: source() (ledger/sourcing.ts) calls it
 * before it places the plain lines on what the kits left.
 */
import type { KitDemand } from '../domain/kit';
import { compareIds } from './lines';
import type { SourcingWarehouse } from './sourcing-types';
import type { Allocation } from './types';

export interface KitPlacement {
  allocations: Allocation[];
  /** Component units backordered: whole kit units no warehouse could make, and any half kit of the remainder. */
  short: Map<string, number>;
  /** Full warehouses (daily capacity reached) a kit unit was placed at: no other could make it. */
  overflowAt: string[];
  /** The warehouses with the units the kits took no longer available. */
  left(warehouses: readonly SourcingWarehouse[]): SourcingWarehouse[];
}

/**
 * Takes the kits' components out of `wanted` (in place) and places them unit by unit. The
 * order's kit components are its own SKUs (validation refuses a component ordered twice), so
 * the kit accounts for all of a component's wanted units. `taken` gains the warehouses used.
 */
export function placeKitUnits(
  wanted: Map<string, number>,
  kits: readonly KitDemand[],
  where: { open: readonly SourcingWarehouse[]; full: readonly SourcingWarehouse[]; rank: (ws: readonly SourcingWarehouse[]) => SourcingWarehouse[] },
  canAdd: (id: string, taken: Set<string>) => boolean,
  taken: Set<string>,
): KitPlacement {
  const used = new Map<string, Map<string, number>>();
  const free = (w: SourcingWarehouse, sku: string) => Math.max(0, (w.available.get(sku) ?? 0) - (used.get(w.warehouseId)?.get(sku) ?? 0));
  const allocations: Allocation[] = [];
  const short = new Map<string, number>();
  const overflowAt = new Set<string>();
  const addShort = (sku: string, q: number) => {
    if (q > 0) short.set(sku, (short.get(sku) ?? 0) + q);
  };

  for (const kit of [...kits].sort((a, b) => compareIds(a.kit, b.kit))) {
    // Whole units the remainder asks for; a component's units beyond them (half a kit) wait too.
    const units = Math.max(0, Math.min(kit.units, ...kit.components.map((c) => Math.floor((wanted.get(c.sku) ?? 0) / c.quantity))));
    for (const c of kit.components) {
      addShort(c.sku, (wanted.get(c.sku) ?? 0) - c.quantity * units);
      wanted.set(c.sku, 0);
    }
    let left = units;
    for (const [list, overflow] of [
      [where.open, false],
      [where.full, true],
    ] as const) {
      for (const w of where.rank(list)) {
        if (left === 0) break;
        if (!canAdd(w.warehouseId, taken)) continue;
        const n = Math.min(left, ...kit.components.map((c) => Math.floor(free(w, c.sku) / c.quantity)));
        if (n <= 0) continue;
        const at = used.get(w.warehouseId) ?? new Map<string, number>();
        used.set(w.warehouseId, at);
        for (const c of kit.components) {
          allocations.push({ warehouseId: w.warehouseId, sku: c.sku, quantity: c.quantity * n });
          at.set(c.sku, (at.get(c.sku) ?? 0) + c.quantity * n);
        }
        taken.add(w.warehouseId);
        if (overflow) overflowAt.add(w.warehouseId);
        left -= n;
      }
    }
    for (const c of kit.components) addShort(c.sku, c.quantity * left);
  }

  return {
    allocations,
    short,
    overflowAt: [...overflowAt],
    left: (warehouses) =>
      warehouses.map((w) => {
        const at = used.get(w.warehouseId);
        return at ? { ...w, available: new Map([...w.available].map(([sku, q]) => [sku, q - (at.get(sku) ?? 0)])) } : w;
      }),
  };
}
