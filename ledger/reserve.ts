import type { Knex } from 'knex';
import { allocate } from './allocate';
import { stockFromContext, unknownIn } from './context';
import type { LedgerContext } from './context';
import { LedgerError } from './errors';
import { requestHash } from './idempotency';
import { mergeAllocations, mergeLines, sumBySku } from './lines';
import { excludedWarehouses, withOptions } from './options';
import { orderPosition, withStatus } from './position';
import { planSourced, type SourcedPlan, type SourcingInput } from './plan-sourced';
import { readWarehouseFacts } from './sourcing-facts';
import { DEFAULT_SOURCING, type SourcingRule } from './sourcing-types';
import { readWaitQueue } from './waiting';
import { reserveSingle } from './store';
import type { ApplyPlan } from './store';
import type { Allocation, OrderLine, ReserveResult, SourcingOptions } from './types';
import { requireKey, runWrite } from './write';

export function requireOrderId(orderId: unknown): asserts orderId is string {
  if (typeof orderId !== 'string' || orderId === '') throw new TypeError('an order id is required');
}

/**
 * Holds what can be held of the order's remainder (never at `exclude`) and returns its new
 * position. With `sourcing`, the queue for scarce stock and the channel's rule decide
 * (ledger/plan-sourced.ts) and the plan counts the fulfillments it opens against daily
 * capacities; without, §4's allocation.
 */
export function planHold(ctx: LedgerContext, demand: OrderLine[], touchOrder: boolean, exclude: readonly string[] = [], sourcing?: SourcingInput): ApplyPlan {
  const open = touchOrder || ctx.order?.status === 'open';
  const position = orderPosition(ctx, demand, open);
  let plan: { allocations: Allocation[]; backordered: OrderLine[] };
  let sourced: SourcedPlan | undefined;
  if (sourcing) plan = sourced = planSourced(ctx, position, exclude, sourcing);
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
    backorderedSkus: plan.backordered.map((b) => b.sku),
    backorderExclude: [...new Set([...exclude, ...(sourced?.passedOver ?? [])])].sort(),
    result,
    ...(sourced ? { opened: sourced.opened, waits: sourced.waits } : {}),
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

export function planReserve(ctx: LedgerContext, lines: OrderLine[], sourcing?: SourcingInput): ApplyPlan {
  const unknown = unknownIn(ctx, lines.map((l) => l.sku));
  if (unknown.length > 0) throw new LedgerError('UNKNOWN_SKU', `unknown sku: ${unknown.join(', ')}`, { skus: unknown });
  if (!ctx.hasActiveWarehouse) throw new LedgerError('NO_ACTIVE_WAREHOUSE', 'no warehouse is active');
  return planHold(ctx, demandAfterReserve(ctx, lines), true, [], sourcing);
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

export async function reserve(knex: Knex, orderId: string, lines: OrderLine[], key: string, opts?: SourcingOptions): Promise<ReserveResult> {
  requireOrderId(orderId);
  requireKey(key);
  const merged = mergeLines(lines);
  const skus = merged.map((l) => l.sku);
  const { rule, country, shipBy, explain, hashed } = sourcingOptions(opts);
  const hash = requestHash('reserve', { orderId, lines: merged, ...hashed });
  const result = await runWrite<ReserveResult>(
    knex,
    { op: 'reserve', key, hash, orderId, skus },
    async (ctx, db) => planReserve(ctx, merged, await sourcingInput(db, ctx, { orderId, rule, country, shipBy, explain })),
    fastPathFits(rule) ? () => reserveSingle(knex, { op: 'reserve', key, hash, orderId, lines: merged }) : undefined,
  );
  return explain ? withFastPathDecision(result, rule) : result;
}

/** Nothing to hold (unknown or released order, no stock) still records the key and the position. */
export async function reserveMore(knex: Knex, orderId: string, key: string, opts?: { exclude?: string[] } & SourcingOptions): Promise<ReserveResult> {
  requireOrderId(orderId);
  requireKey(key);
  const exclude = excludedWarehouses(opts);
  const { rule, country, shipBy, explain, hashed } = sourcingOptions(opts);
  const hash = requestHash('reserveMore', { ...withOptions({ orderId }, { exclude }), ...hashed });
  return runWrite(knex, { op: 'reserveMore', key, hash, orderId }, async (ctx, db) =>
    planHold(ctx, ctx.demand, false, exclude, await sourcingInput(db, ctx, { orderId, rule, country, shipBy, explain })),
  );
}

