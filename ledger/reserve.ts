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
import { planSourced, type SourcedPlan, type SourcingInput } from './plan-sourced';
import { readWarehouseFacts } from './sourcing-facts';
import { DEFAULT_SOURCING, type SourcingRule } from './sourcing-types';
import { readWaitQueue } from './waiting';
import { reserveSingle } from './store';
import type { ApplyPlan } from './store';
import type { Allocation, OrderLine, ReserveResult, SourcingOptions } from './types';
import { partialKitHolds } from '../domain/kit';
import { requireKey, runWrite } from './write';

export function requireOrderId(orderId: unknown): asserts orderId is string {
  if (typeof orderId !== 'string' || orderId === '') throw new TypeError('an order id is required');
}

/**
 * Holds what can be held of the order's remainder (never at `exclude`) and returns its new
 * position. With `sourcing`, the queue for scarce stock and the channel's rule decide
 * (ledger/plan-sourced.ts) and the plan counts the fulfillments it opens against daily
 * capacities; without, §4's allocation. With `kits`, every kit unit's components are held at
 * one warehouse or backordered whole (docs/design.md §18), in either case.
 */
export function planHold(ctx: LedgerContext, demand: OrderLine[], touchOrder: boolean, exclude: readonly string[] = [], sourcing?: SourcingInput, kits?: readonly KitDemand[]): ApplyPlan {
  // Half a kit held at a warehouse (a count took part of it) is let go and placed again whole.
  const partial = kits ? partialKitHolds(withStatus(ctx, 'held'), kits) : [];
  if (partial.length > 0) return withPartialReleased(planHold(withoutHolds(ctx, partial), demand, touchOrder, exclude, sourcing, kits), partial);
  const open = touchOrder || ctx.order?.status === 'open';
  const position = orderPosition(ctx, demand, open);
  let plan: { allocations: Allocation[]; backordered: OrderLine[] };
  let sourced: SourcedPlan | undefined;
  // Without sourcing, a kit unit backordered while its components are free at different
  // warehouses is right: those SKUs skip the "nothing is available anywhere" check and rely on
  // stockArrived and the periodic re-check. With sourcing, passedOver says the same per warehouse.
  let kitBackordered: string[] = [];
  if (sourcing) plan = sourced = planSourced(ctx, position, exclude, kits ? { ...sourcing, kits } : sourcing);
  else if (kits) ({ kitBackordered, ...plan } = allocateWithKits(position.remainder, stockFromContext(ctx, new Set(exclude)), kits));
  else plan = allocate(position.remainder, stockFromContext(ctx, new Set(exclude)));
  const result: ReserveResult = {
    allocations: mergeAllocations(position.allocations, plan.allocations),
    backordered: plan.backordered,
    ...(sourced?.sourcing ? { sourcing: sourced.sourcing } : {}),
  };
  return {
    orderStatus: touchOrder || plan.allocations.length > 0 ? 'open' : undefined,
    demand: touchOrder ? demand : undefined,
    changes: plan.allocations.map((a) => ({ ...a, kind: 'reserve', onHandDelta: 0, reservedDelta: a.quantity, onFail: 'stale' })),
    transitions: plan.allocations.map((a) => ({ ...a, from: null, to: 'held' })),
    backorderedSkus: plan.backordered.filter((b) => !kitBackordered.includes(b.sku)).map((b) => b.sku),
    backorderExclude: [...new Set([...exclude, ...(sourced?.passedOver ?? [])])].sort(),
    result,
    ...(sourced ? { opened: sourced.opened, waits: sourced.waits } : {}),
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

export function planReserve(ctx: LedgerContext, lines: OrderLine[], sourcing?: SourcingInput, kits?: readonly KitDemand[]): ApplyPlan {
  const unknown = unknownIn(ctx, lines.map((l) => l.sku));
  if (unknown.length > 0) throw new LedgerError('UNKNOWN_SKU', `unknown sku: ${unknown.join(', ')}`, { skus: unknown });
  if (!ctx.hasActiveWarehouse) throw new LedgerError('NO_ACTIVE_WAREHOUSE', 'no warehouse is active');
  return planHold(ctx, demandAfterReserve(ctx, lines), true, [], sourcing, kits);
}

/** The sourcing options, checked and normalised; the default rule hashes as a call without it did. */
export function sourcingOptions(opts: SourcingOptions | undefined): { rule: SourcingRule; country?: string; shipBy: string | null; explain: boolean; hashed: Record<string, unknown> } {
  const rule = opts?.sourcing ?? DEFAULT_SOURCING;
  const country = opts?.country;
  if (country !== undefined && !/^[A-Z]{2}$/.test(country)) throw new TypeError('country must be an ISO alpha-2 code');
  const shipBy = opts?.shipBy === undefined ? null : new Date(opts.shipBy).toISOString();
  const isDefault = rule.strategy === 'priority' && rule.maxParcels === undefined;
  const hashed: Record<string, unknown> = {};
  if (!isDefault) hashed.sourcing = { strategy: rule.strategy, ...(rule.maxParcels === undefined ? {} : { maxParcels: rule.maxParcels }) };
  if (!isDefault && country !== undefined) hashed.country = country;
  if (shipBy !== null) hashed.shipBy = shipBy;
  return { rule, country, shipBy, explain: opts !== undefined && ('sourcing' in opts || 'country' in opts), hashed };
}

/** What a planning attempt reads besides the context: warehouse facts and the queue of the order's SKUs. */
async function sourcingInput(
  db: Knex | Knex.Transaction,
  ctx: LedgerContext,
  base: Pick<SourcingInput, 'orderId' | 'rule' | 'country' | 'shipBy' | 'explain'>,
): Promise<SourcingInput> {
  const skus = [...new Set(ctx.levels.map((l) => l.sku))];
  const [facts, queue] = await Promise.all([readWarehouseFacts(db), readWaitQueue(db, skus)]);
  return { ...base, facts, queue, now: new Date().toISOString() };
}

/** The one-round-trip reservation picks what `priority` and `fewest_parcels` pick when one warehouse fills the order. */
const fastPathFits = (rule: SourcingRule) => rule.strategy !== 'nearest';

/** What the fast path held, explained as source() would explain the one warehouse it used. */
function withFastPathDecision(result: ReserveResult, rule: SourcingRule): ReserveResult {
  if (result.sourcing || result.allocations.length === 0) return result;
  const warehouseId = result.allocations[0].warehouseId;
  const lines = result.allocations.map((a) => ({ sku: a.sku, quantity: a.quantity }));
  return { ...result, sourcing: { strategy: rule.strategy, decisions: [{ warehouseId, lines, reason: 'first warehouse in priority order that holds the whole order' }] } };
}

/** `kits`: which of `lines` (component SKUs) form kit units that must come from one warehouse each. */
export async function reserve(knex: Knex, orderId: string, lines: OrderLine[], key: string, opts?: SourcingOptions & { kits?: KitDemand[] }): Promise<ReserveResult> {
  requireOrderId(orderId);
  requireKey(key);
  const merged = mergeLines(lines);
  const skus = merged.map((l) => l.sku);
  const { rule, country, shipBy, explain, hashed } = sourcingOptions(opts);
  const kits = kitDemands(opts);
  const hash = requestHash('reserve', { orderId, lines: merged, ...(kits ? { kits } : {}), ...hashed });
  const result = await runWrite<ReserveResult>(
    knex,
    { op: 'reserve', key, hash, orderId, skus },
    async (ctx, db) => planReserve(ctx, merged, await sourcingInput(db, ctx, { orderId, rule, country, shipBy, explain }), kits),
    // One warehouse filling the whole order fills every kit unit from one warehouse too.
    fastPathFits(rule) ? () => reserveSingle(knex, { op: 'reserve', key, hash, orderId, lines: merged }) : undefined,
  );
  return explain ? withFastPathDecision(result, rule) : result;
}

/** Nothing to hold (unknown or released order, no stock) still records the key and the position. */
export async function reserveMore(knex: Knex, orderId: string, key: string, opts?: { exclude?: string[]; kits?: KitDemand[] } & SourcingOptions): Promise<ReserveResult> {
  requireOrderId(orderId);
  requireKey(key);
  const exclude = excludedWarehouses(opts);
  const { rule, country, shipBy, explain, hashed } = sourcingOptions(opts);
  const kits = kitDemands(opts);
  const hash = requestHash('reserveMore', { ...withOptions({ orderId }, { exclude }), ...(kits ? { kits } : {}), ...hashed });
  return runWrite(knex, { op: 'reserveMore', key, hash, orderId }, async (ctx, db) =>
    planHold(ctx, ctx.demand, false, exclude, await sourcingInput(db, ctx, { orderId, rule, country, shipBy, explain }), kits),
  );
}

