import type { Knex } from 'knex';
import { allocate } from './allocate';
import { stockFromContext, unknownIn } from './context';
import type { LedgerContext } from './context';
import { LedgerError } from './errors';
import { requestHash } from './idempotency';
import { mergeAllocations, mergeLines, sumBySku } from './lines';
import { excludedWarehouses, withOptions } from './options';
import { orderPosition, withStatus } from './position';
import { allocateWithKits, kitDemands, type KitDemand } from './kit-plan';
import { reserveSingle } from './store';
import type { ApplyPlan } from './store';
import type { Allocation, OrderLine, ReserveResult } from './types';
import { partialKitHolds } from '../domain/kit';
import { requireKey, runWrite } from './write';

export function requireOrderId(orderId: unknown): asserts orderId is string {
  if (typeof orderId !== 'string' || orderId === '') throw new TypeError('an order id is required');
}

/** Holds what can be held of the order's remainder (never at `exclude`) and returns its new position. */
export function planHold(ctx: LedgerContext, demand: OrderLine[], touchOrder: boolean, exclude: readonly string[] = [], kits?: readonly KitDemand[]): ApplyPlan {
  // Half a kit held at a warehouse (a count took part of it) is let go and placed again whole.
  const partial = kits ? partialKitHolds(withStatus(ctx, 'held'), kits) : [];
  if (partial.length > 0) return withPartialReleased(planHold(withoutHolds(ctx, partial), demand, touchOrder, exclude, kits), partial);
  const open = touchOrder || ctx.order?.status === 'open';
  const position = orderPosition(ctx, demand, open);
  const stock = stockFromContext(ctx, new Set(exclude));
  const plan = kits ? allocateWithKits(position.remainder, stock, kits) : { ...allocate(position.remainder, stock), kitBackordered: [] as string[] };
  // A kit unit backordered while its components are free at different warehouses is right:
  // those SKUs skip the "nothing is available anywhere" check (docs/design.md §18), and rely
  // on stockArrived and the periodic re-check instead.
  const checked = plan.backordered.filter((b) => !plan.kitBackordered.includes(b.sku));
  const result: ReserveResult = {
    allocations: mergeAllocations(position.allocations, plan.allocations),
    backordered: plan.backordered,
  };
  return {
    orderStatus: touchOrder || plan.allocations.length > 0 ? 'open' : undefined,
    demand: touchOrder ? demand : undefined,
    changes: plan.allocations.map((a) => ({ ...a, kind: 'reserve', onHandDelta: 0, reservedDelta: a.quantity, onFail: 'stale' })),
    transitions: plan.allocations.map((a) => ({ ...a, from: null, to: 'held' })),
    backorderedSkus: checked.map((b) => b.sku),
    backorderExclude: [...exclude],
    result,
  };
}

/** The context as if `released` were no longer held: available again where the warehouse is active. */
function withoutHolds(ctx: LedgerContext, released: readonly Allocation[]): LedgerContext {
  const less = (w: string, sku: string) => released.filter((r) => r.warehouseId === w && r.sku === sku).reduce((n, r) => n + r.quantity, 0);
  return {
    ...ctx,
    reservations: ctx.reservations.map((r) => (r.status === 'held' ? { ...r, quantity: r.quantity - less(r.warehouseId, r.sku) } : r)).filter((r) => r.quantity > 0),
    levels: ctx.levels.map((l) => ({ ...l, available: l.available + less(l.warehouseId, l.sku) })),
  };
}

/** The plan with `released` netted in: one change and one transition per (warehouse, SKU). */
function withPartialReleased(plan: ApplyPlan, released: readonly Allocation[]): ApplyPlan {
  const net = new Map<string, Allocation>();
  for (const c of plan.changes ?? []) net.set(`${c.warehouseId}\u0000${c.sku}`, { warehouseId: c.warehouseId, sku: c.sku, quantity: c.reservedDelta });
  for (const r of released) {
    const id = `${r.warehouseId}\u0000${r.sku}`;
    const prev = net.get(id);
    net.set(id, { warehouseId: r.warehouseId, sku: r.sku, quantity: (prev?.quantity ?? 0) - r.quantity });
  }
  const moves = [...net.values()].filter((a) => a.quantity !== 0);
  return {
    ...plan,
    orderStatus: plan.orderStatus ?? 'open',
    changes: moves.map((a) => ({ warehouseId: a.warehouseId, sku: a.sku, kind: a.quantity > 0 ? 'reserve' : 'release', onHandDelta: 0, reservedDelta: a.quantity, onFail: 'stale' })),
    transitions: moves.map((a) =>
      a.quantity > 0
        ? { warehouseId: a.warehouseId, sku: a.sku, from: null, to: 'held' as const, quantity: a.quantity }
        : { warehouseId: a.warehouseId, sku: a.sku, from: 'held' as const, to: 'released' as const, quantity: -a.quantity },
    ),
  };
}

/**
 * The demand after a reserve call: lines add to an open order's demand (an amended
 * order); a released order reopens with only what it had shipped plus the new lines.
 */
export function demandAfterReserve(ctx: LedgerContext, lines: OrderLine[]): OrderLine[] {
  const base = ctx.order?.status === 'open' ? ctx.demand : withStatus(ctx, 'shipped');
  const totals = sumBySku([...base, ...lines]);
  return mergeLines([...totals].map(([sku, quantity]) => ({ sku, quantity })));
}

export function planReserve(ctx: LedgerContext, lines: OrderLine[], kits?: readonly KitDemand[]): ApplyPlan {
  const unknown = unknownIn(ctx, lines.map((l) => l.sku));
  if (unknown.length > 0) throw new LedgerError('UNKNOWN_SKU', `unknown sku: ${unknown.join(', ')}`, { skus: unknown });
  if (!ctx.hasActiveWarehouse) throw new LedgerError('NO_ACTIVE_WAREHOUSE', 'no warehouse is active');
  return planHold(ctx, demandAfterReserve(ctx, lines), true, [], kits);
}

/** `kits`: which of `lines` (component SKUs) form kit units that must come from one warehouse each. */
export async function reserve(knex: Knex, orderId: string, lines: OrderLine[], key: string, opts?: { kits?: KitDemand[] }): Promise<ReserveResult> {
  requireOrderId(orderId);
  requireKey(key);
  const merged = mergeLines(lines);
  const skus = merged.map((l) => l.sku);
  const kits = kitDemands(opts);
  const hash = requestHash('reserve', kits ? { orderId, lines: merged, kits } : { orderId, lines: merged });
  return runWrite(
    knex,
    { op: 'reserve', key, hash, orderId, skus },
    (ctx) => planReserve(ctx, merged, kits),
    // One warehouse filling the whole order fills every kit unit from one warehouse too.
    () => reserveSingle(knex, { op: 'reserve', key, hash, orderId, lines: merged }),
  );
}

/** Nothing to hold (unknown or released order, no stock) still records the key and the position. */
export async function reserveMore(knex: Knex, orderId: string, key: string, opts?: { exclude?: string[]; kits?: KitDemand[] }): Promise<ReserveResult> {
  requireOrderId(orderId);
  requireKey(key);
  const exclude = excludedWarehouses(opts);
  const kits = kitDemands(opts);
  const args = withOptions({ orderId }, { exclude });
  const hash = requestHash('reserveMore', kits ? { ...args, kits } : args);
  return runWrite(knex, { op: 'reserveMore', key, hash, orderId }, (ctx) => planHold(ctx, ctx.demand, false, exclude, kits));
}

