/**
 * `fewest_parcels` (docs/design.md §17): the smallest set of warehouses that fills the order,
 * ties by priority. An exact search over subsets by size (a shop has a handful of warehouses);
 * past EXACT_LIMIT candidates a greedy cover (most units first) keeps the cost bounded.
 */
import type { SourcingWarehouse } from './sourcing-types';

const EXACT_LIMIT = 14;

const avail = (w: SourcingWarehouse, sku: string) => Math.max(0, w.available.get(sku) ?? 0);

function fillOf(wanted: ReadonlyMap<string, number>, set: readonly SourcingWarehouse[]): number {
  let units = 0;
  for (const [sku, q] of wanted) {
    let have = 0;
    for (const w of set) have += avail(w, sku);
    units += Math.min(q, have);
  }
  return units;
}

/**
 * The warehouses to fill from, in the given (priority) order: those already holding the order
 * always (they are parcels already), plus the fewest others that fill the most units; among
 * equal sets the one whose members rank first. At most `maxParcels` in all.
 */
export function selectFewest(
  wanted: ReadonlyMap<string, number>,
  ranked: readonly SourcingWarehouse[],
  usedBy: ReadonlySet<string>,
  maxParcels: number | undefined,
): SourcingWarehouse[] {
  const base = ranked.filter((w) => usedBy.has(w.warehouseId));
  const others = ranked.filter((w) => !usedBy.has(w.warehouseId));
  const total = [...wanted.values()].reduce((n, q) => n + q, 0);
  const room = Math.max(0, (maxParcels ?? Infinity) - usedBy.size);
  const maxSize = Math.min(others.length, room);
  const inOrder = (picked: SourcingWarehouse[]) => ranked.filter((w) => base.includes(w) || picked.includes(w));

  if (others.length > EXACT_LIMIT) {
    const picked: SourcingWarehouse[] = [];
    let fill = fillOf(wanted, base);
    while (picked.length < maxSize && fill < total) {
      let best: { w: SourcingWarehouse; fill: number } | undefined;
      for (const w of others) {
        if (picked.includes(w)) continue;
        const f = fillOf(wanted, [...base, ...picked, w]);
        if (!best || f > best.fill) best = { w, fill: f };
      }
      if (!best || best.fill <= fill) break;
      picked.push(best.w);
      fill = best.fill;
    }
    return inOrder(picked);
  }

  let best = { fill: fillOf(wanted, base), picked: [] as SourcingWarehouse[] };
  for (let size = 1; size <= maxSize && best.fill < total; size++) {
    // Combinations in lexicographic order of rank: the first one found wins its ties.
    const idx = Array.from({ length: size }, (_, i) => i);
    for (;;) {
      const picked = idx.map((i) => others[i]);
      const fill = fillOf(wanted, [...base, ...picked]);
      if (fill > best.fill) best = { fill, picked };
      if (best.fill === total) break;
      let i = size - 1;
      while (i >= 0 && idx[i] === others.length - size + i) i--;
      if (i < 0) break;
      idx[i]++;
      for (let j = i + 1; j < size; j++) idx[j] = idx[j - 1] + 1;
    }
  }
  return inOrder(best.picked);
}
