/**
 * Sourcing (docs/design.md §17): where an order's units are held, as one pure function of the
 * order, its channel's rule and a stock snapshot. No database here: the ledger reads the
 * snapshot, calls `source()`, and applies the plan under its guards (ledger/reserve.ts).
 *
 * - `priority` is the rule of §4, unchanged: the highest-priority warehouse that fills the whole
 *   order, else each SKU split across warehouses by priority (ledger/allocate.ts does exactly
 *   this; the property test holds the two equal).
 * - `nearest`: the same rule over another ranking — warehouses whose `countries` hold the ship-to
 *   country first (by priority among them), then the others by priority.
 * - `fewest_parcels`: the smallest set of warehouses that fills the order, ties by priority.
 * - `maxParcels`: never more warehouses holding the order than this; the rest is backordered.
 * - A warehouse that opened its `dailyCapacity` of fulfillments today only gets units no other
 *   warehouse can fill (a warehouse already holding this order opens nothing new).
 */
import { compareIds } from './lines';
import { selectFewest } from './sourcing-fewest';
import type { SourcingDecision, SourcingOrder, SourcingPlan, SourcingRule, SourcingWarehouse } from './sourcing-types';
import type { Allocation, OrderLine } from './types';

export * from './sourcing-types';

type Wanted = Map<string, number>;

const avail = (w: SourcingWarehouse, sku: string) => Math.max(0, w.available.get(sku) ?? 0);
const byPriority = (a: SourcingWarehouse, b: SourcingWarehouse) => a.priority - b.priority || compareIds(a.warehouseId, b.warehouseId);
const describe = (lines: readonly OrderLine[]) => lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ');
export const isFull = (w: SourcingWarehouse) => w.dailyCapacity !== undefined && (w.openedToday ?? 0) >= w.dailyCapacity;

function shipsTo(w: SourcingWarehouse, country: string | undefined): boolean {
  return country !== undefined && (w.countries ?? []).includes(country);
}

/** The order the strategy considers warehouses in. */
export function rankFor(rule: SourcingRule, warehouses: readonly SourcingWarehouse[], country: string | undefined): SourcingWarehouse[] {
  const ranked = [...warehouses].sort(byPriority);
  if (rule.strategy !== 'nearest') return ranked;
  return [...ranked.filter((w) => shipsTo(w, country)), ...ranked.filter((w) => !shipsTo(w, country))];
}

/** Holds what it can of `wanted` (in place) across `ranked`, the §4 way: one whole-order warehouse, else split. */
function fillByRank(wanted: Wanted, ranked: readonly SourcingWarehouse[], canAdd: (id: string, taken: Set<string>) => boolean, taken: Set<string>, wholeFirst: boolean): Allocation[] {
  const skus = [...wanted.keys()].filter((s) => (wanted.get(s) ?? 0) > 0).sort(compareIds);
  if (skus.length === 0) return [];
  const out: Allocation[] = [];
  const whole = wholeFirst ? ranked.find((w) => canAdd(w.warehouseId, taken) && skus.every((s) => avail(w, s) >= (wanted.get(s) ?? 0))) : undefined;
  if (whole) {
    for (const sku of skus) out.push({ warehouseId: whole.warehouseId, sku, quantity: wanted.get(sku) ?? 0 });
    taken.add(whole.warehouseId);
    for (const sku of skus) wanted.set(sku, 0);
    return out;
  }
  for (const sku of skus) {
    let remaining = wanted.get(sku) ?? 0;
    for (const w of ranked) {
      if (remaining === 0) break;
      const take = Math.min(remaining, avail(w, sku));
      if (take > 0 && canAdd(w.warehouseId, taken)) {
        out.push({ warehouseId: w.warehouseId, sku, quantity: take });
        taken.add(w.warehouseId);
        remaining -= take;
      }
    }
    wanted.set(sku, remaining);
  }
  return out;
}

/** The whole decision: where each unit is held, what is backordered, and why, per warehouse. */
export function source(order: SourcingOrder, rule: SourcingRule, warehouses: readonly SourcingWarehouse[]): SourcingPlan {
  const wanted: Wanted = new Map();
  for (const l of order.lines) if (l.quantity > 0) wanted.set(l.sku, (wanted.get(l.sku) ?? 0) + l.quantity);
  const exclude = new Set(order.exclude ?? []);
  const usedBy = new Set((order.usedBy ?? []).filter((id) => !exclude.has(id)));
  const candidates = warehouses.filter((w) => w.active && !exclude.has(w.warehouseId));
  // A full warehouse that already holds this order opens nothing new by taking more.
  const open = candidates.filter((w) => !isFull(w) || usedBy.has(w.warehouseId));
  const full = candidates.filter((w) => isFull(w) && !usedBy.has(w.warehouseId));
  const limit = rule.maxParcels;
  const canAdd = (id: string, taken: Set<string>) => limit === undefined || taken.has(id) || taken.size < limit;
  const taken = new Set(usedBy);

  let allocations: Allocation[];
  if (rule.strategy === 'fewest_parcels') {
    const chosen = selectFewest(wanted, open.sort(byPriority), usedBy, limit);
    allocations = fillByRank(wanted, chosen, canAdd, taken, false);
  } else {
    allocations = fillByRank(wanted, rankFor(rule, open, order.country), canAdd, taken, true);
  }
  // Only now the warehouses that are out of capacity today: for units no other could fill.
  const overflow = fillByRank(wanted, rankFor(rule, full, order.country), canAdd, taken, false);
  allocations = merge([...allocations, ...overflow]);

  const backordered = [...wanted]
    .filter(([, q]) => q > 0)
    .map(([sku, quantity]) => ({ sku, quantity }))
    .sort((a, b) => compareIds(a.sku, b.sku));
  const opened = [...new Set(allocations.map((a) => a.warehouseId))].filter((id) => !usedBy.has(id)).sort(compareIds);
  const plan = { strategy: rule.strategy, allocations, backordered, opened };
  return { ...plan, decisions: explain(order, rule, warehouses, plan, new Set(overflow.map((a) => a.warehouseId))) };
}

function merge(list: Allocation[]): Allocation[] {
  const byKey = new Map<string, Allocation>();
  for (const a of list) {
    const k = `${a.warehouseId}\u0000${a.sku}`;
    const prev = byKey.get(k);
    if (prev) prev.quantity += a.quantity;
    else byKey.set(k, { ...a });
  }
  return [...byKey.values()].sort((a, b) => compareIds(a.sku, b.sku) || compareIds(a.warehouseId, b.warehouseId));
}

/** Why each warehouse in the snapshot was used or passed over, in words an ops person reads. */
function explain(
  order: SourcingOrder,
  rule: SourcingRule,
  warehouses: readonly SourcingWarehouse[],
  plan: Omit<SourcingPlan, 'decisions'>,
  overflowAt: Set<string>,
): SourcingDecision[] {
  const exclude = new Set(order.exclude ?? []);
  const usedBy = new Set(order.usedBy ?? []);
  const usedIds = [...new Set(plan.allocations.map((a) => a.warehouseId))];
  const ranked = rankFor(rule, warehouses, order.country);
  const need = new Set(order.lines.map((l) => l.sku));
  const linesAt = (id: string) => plan.allocations.filter((a) => a.warehouseId === id).map((a) => ({ sku: a.sku, quantity: a.quantity }));
  const parcels = new Set([...usedBy, ...usedIds]).size;
  const country = order.country;

  return ranked.map((w): SourcingDecision => {
    const id = w.warehouseId;
    const lines = linesAt(id);
    const where = country && rule.strategy === 'nearest' ? (shipsTo(w, country) ? ` and ships to ${country}` : ` (does not ship to ${country})`) : '';
    if (lines.length > 0) {
      let reason: string;
      if (overflowAt.has(id)) reason = `used although it reached its daily capacity (${w.openedToday ?? 0} of ${w.dailyCapacity} fulfillments today): no other warehouse could fill ${describe(lines)}`;
      else if (usedIds.length === 1 && plan.backordered.length === 0 && lines.length === need.size) {
        reason =
          rule.strategy === 'fewest_parcels'
            ? `holds the whole order: one parcel${usedBy.has(id) ? ' (it already holds part of the order)' : ''}`
            : `first warehouse in ${rule.strategy} order that holds the whole order (priority ${w.priority}${where})`;
      } else if (rule.strategy === 'fewest_parcels') reason = `one of the ${usedIds.length} warehouses of the smallest set that fills the order (priority ${w.priority}); holds ${describe(lines)}`;
      else reason = `holds ${describe(lines)}: no warehouse holds the whole order, so it is split in ${rule.strategy} order (priority ${w.priority}${where})`;
      return { warehouseId: id, lines, reason };
    }
    let reason: string;
    if (exclude.has(id)) reason = 'not used: it rejected a fulfillment of this order';
    else if (!w.active) reason = 'not used: inactive';
    else if (![...need].some((s) => avail(w, s) > 0)) reason = 'not used: has none of the SKUs still needed';
    else if (isFull(w) && !usedBy.has(id)) reason = `not used: reached its daily capacity (${w.openedToday ?? 0} of ${w.dailyCapacity} fulfillments today) and others could fill the order`;
    else if (rule.maxParcels !== undefined && parcels >= rule.maxParcels && plan.backordered.length > 0) reason = `not used: the channel allows at most ${rule.maxParcels} parcel${rule.maxParcels === 1 ? '' : 's'}`;
    else if (rule.strategy === 'fewest_parcels') reason = `not needed: ${usedIds.join(', ') || 'other warehouses'} fill the order in fewer parcels`;
    else reason = `not needed: ${usedIds.join(', ') || 'other warehouses'} come first in ${rule.strategy} order${where}`;
    return { warehouseId: id, lines: [], reason };
  });
}
