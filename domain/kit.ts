/**
 * Kits (docs/design.md §18): a SKU sold as one item and made of other SKUs, with no stock of
 * its own. Pure: availability, allocation of whole kit units, expansion into components.
 */

export interface KitComponent {
  sku: string;
  quantity: number;
}

/** Why a kit definition is refused, and the field that says so. */
export type KitProblem = { code: 'kit_of_kits' | 'unknown_sku' | 'kit_has_stock' | 'kit_is_component'; message: string; field: string; sku: string };

/** A kit and its components, as snapshotted for one order or read from the catalog. */
export type KitBook = Readonly<Record<string, readonly KitComponent[]>>;

/** Kit units one warehouse can make from `free` units of each component. */
export function kitUnitsFrom(components: readonly KitComponent[], free: (sku: string) => number): number {
  if (components.length === 0) return 0;
  return Math.max(0, Math.min(...components.map((c) => Math.floor(Math.max(0, free(c.sku)) / c.quantity))));
}

/** Σ over warehouses of the kit units each can make on its own (a kit unit ships from one warehouse). */
export function kitAvailable(components: readonly KitComponent[], freeByWarehouse: ReadonlyMap<string, ReadonlyMap<string, number>>): number {
  let total = 0;
  for (const free of freeByWarehouse.values()) total += kitUnitsFrom(components, (sku) => free.get(sku) ?? 0);
  return total;
}

/** An order's lines with every kit line replaced by its components × quantity (duplicates summed). */
export function expandKits(lines: readonly { sku: string; quantity: number }[], kits: KitBook): Array<{ sku: string; quantity: number }> {
  const totals = new Map<string, number>();
  for (const l of lines) {
    const parts = kits[l.sku] ?? [{ sku: l.sku, quantity: 1 }];
    for (const p of parts) totals.set(p.sku, (totals.get(p.sku) ?? 0) + p.quantity * l.quantity);
  }
  return [...totals].map(([sku, quantity]) => ({ sku, quantity })).sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

/**
 * Component SKUs that a kit line shares with another line of the order (a kit and its part, or
 * two kits sharing one). A plain SKU on two plain lines is not one: those are simply summed.
 */
export function sharedComponents(lines: readonly { sku: string }[], kits: KitBook): string[] {
  const seen = new Map<string, { lines: number; viaKit: boolean }>();
  for (const l of lines) {
    const kit = kits[l.sku];
    for (const p of kit ?? [{ sku: l.sku, quantity: 1 }]) {
      const at = seen.get(p.sku) ?? { lines: 0, viaKit: false };
      seen.set(p.sku, { lines: at.lines + 1, viaKit: at.viaKit || kit !== undefined });
    }
  }
  return [...seen].filter(([, n]) => n.lines > 1 && n.viaKit).map(([sku]) => sku);
}

export interface KitStock {
  warehouseId: string;
  available: Map<string, number>;
}

/**
 * Holds whole kit units: per kit, warehouses in the given (ranked) order each give as many
 * units as they can make; what none can make is backordered whole. `stock` is consumed, so
 * plain lines allocated afterwards see what the kits left.
 */
export function allocateKitUnits(
  kitLines: ReadonlyArray<{ kit: string; units: number; components: readonly KitComponent[] }>,
  stock: KitStock[],
): { allocations: Array<{ warehouseId: string; sku: string; quantity: number }>; backorderedUnits: Map<string, number> } {
  const allocations: Array<{ warehouseId: string; sku: string; quantity: number }> = [];
  const backorderedUnits = new Map<string, number>();
  for (const line of kitLines) {
    let left = line.units;
    for (const w of stock) {
      if (left === 0) break;
      const units = Math.min(left, kitUnitsFrom(line.components, (sku) => w.available.get(sku) ?? 0));
      if (units === 0) continue;
      for (const c of line.components) {
        allocations.push({ warehouseId: w.warehouseId, sku: c.sku, quantity: c.quantity * units });
        w.available.set(c.sku, (w.available.get(c.sku) ?? 0) - c.quantity * units);
      }
      left -= units;
    }
    if (left > 0) backorderedUnits.set(line.kit, left);
  }
  return { allocations, backorderedUnits };
}

export interface LevelFigures {
  warehouseId: string;
  onHand: number;
  reserved: number;
  available: number;
}

/**
 * A kit's levels from its components' (docs/design.md §18): per warehouse the kit units its
 * components' on hand and available make (reserved is the difference); totals summed.
 */
export function kitLevels(components: readonly KitComponent[], levelsBySku: ReadonlyMap<string, readonly LevelFigures[]>): { onHand: number; reserved: number; available: number; levels: LevelFigures[] } {
  const warehouses = [...new Set(components.flatMap((c) => (levelsBySku.get(c.sku) ?? []).map((l) => l.warehouseId)))].sort();
  const levels = warehouses.map((warehouseId) => {
    const at = (sku: string) => (levelsBySku.get(sku) ?? []).find((l) => l.warehouseId === warehouseId);
    const onHand = kitUnitsFrom(components, (sku) => at(sku)?.onHand ?? 0);
    const available = kitUnitsFrom(components, (sku) => at(sku)?.available ?? 0);
    return { warehouseId, onHand, reserved: onHand - available, available };
  });
  const sum = (k: 'onHand' | 'reserved' | 'available') => levels.reduce((n, l) => n + l[k], 0);
  return { onHand: sum('onHand'), reserved: sum('reserved'), available: sum('available'), levels };
}

/** A kit line as a warehouse or carrier is told it: the kit, its units, and the components they take. */
export interface KitLine {
  sku: string;
  quantity: number;
  components: KitComponent[];
}

/** The kit units among a fulfillment's component lines (docs/design.md §18), for its requests. */
export function kitLinesIn(lines: readonly { sku: string; quantity: number }[], kits: KitBook): KitLine[] {
  const has = new Map(lines.map((l) => [l.sku, l.quantity]));
  const out: KitLine[] = [];
  for (const kit of Object.keys(kits).sort()) {
    const units = kitUnitsFrom(kits[kit], (sku) => has.get(sku) ?? 0);
    if (units > 0) out.push({ sku: kit, quantity: units, components: kits[kit].map((c) => ({ sku: c.sku, quantity: c.quantity * units })) });
  }
  return out;
}

/** One kit line of an order, as snapshotted at intake: what the ledger's kit-aware planner places whole. */
export interface KitDemand {
  kit: string;
  units: number;
  components: KitComponent[];
}

/** The order's kit lines as the ledger groups them: units and components per kit. */
export function kitDemandOf(lines: readonly { sku: string; quantity: number }[], kits: KitBook): KitDemand[] {
  return lines.filter((l) => kits[l.sku]).map((l) => ({ kit: l.sku, units: l.quantity, components: [...kits[l.sku]] }));
}

/**
 * Held component units at a warehouse that do not make whole kit units (a count took part of
 * a kit's hold there): what must be released so that no half kit stays held anywhere.
 */
export function partialKitHolds(
  held: readonly { warehouseId: string; sku: string; quantity: number }[],
  kits: ReadonlyArray<{ components: readonly KitComponent[] }>,
): Array<{ warehouseId: string; sku: string; quantity: number }> {
  const out: Array<{ warehouseId: string; sku: string; quantity: number }> = [];
  for (const k of kits) {
    const parts = new Set(k.components.map((c) => c.sku));
    const warehouses = [...new Set(held.filter((h) => parts.has(h.sku)).map((h) => h.warehouseId))].sort();
    for (const w of warehouses) {
      const at = (sku: string) => held.filter((h) => h.warehouseId === w && h.sku === sku).reduce((n, h) => n + h.quantity, 0);
      const units = kitUnitsFrom(k.components, at);
      for (const c of k.components) {
        const excess = at(c.sku) - units * c.quantity;
        if (excess > 0) out.push({ warehouseId: w, sku: c.sku, quantity: excess });
      }
    }
  }
  return out;
}
