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
import type { OrderLine, ReserveResult } from './types';
import { requireKey, runWrite } from './write';

export function requireOrderId(orderId: unknown): asserts orderId is string {
  if (typeof orderId !== 'string' || orderId === '') throw new TypeError('an order id is required');
}

/** Holds what can be held of the order's remainder (never at `exclude`) and returns its new position. */
export function planHold(ctx: LedgerContext, demand: OrderLine[], touchOrder: boolean, exclude: readonly string[] = [], kits?: readonly KitDemand[]): ApplyPlan {
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

