import type { Knex } from 'knex';
import { allocate } from './allocate';
import { stockFromContext, unknownIn } from './context';
import type { LedgerContext } from './context';
import { LedgerError } from './errors';
import { requestHash } from './idempotency';
import { mergeAllocations, mergeLines, sumBySku } from './lines';
import { excludedWarehouses, withOptions } from './options';
import { orderPosition, withStatus } from './position';
import { source } from './sourcing';
import { readWarehouseFacts, sourcingSnapshot, type WarehouseFacts } from './sourcing-facts';
import { DEFAULT_SOURCING, type SourcingRule, type SourcingWarehouse } from './sourcing-types';
import { reserveSingle } from './store';
import type { ApplyPlan } from './store';
import type { Allocation, OrderLine, ReserveResult, SourcingOptions } from './types';
import { requireKey, runWrite } from './write';

export function requireOrderId(orderId: unknown): asserts orderId is string {
  if (typeof orderId !== 'string' || orderId === '') throw new TypeError('an order id is required');
}

/** The order's sourcing inputs and the warehouse facts of this planning attempt (docs/design.md §17). */
export interface SourcingInput {
  rule: SourcingRule;
  country?: string;
  facts: ReadonlyMap<string, WarehouseFacts>;
  /** Put the decisions in the result (callers that source an order ask; others get §4's shape). */
  explain: boolean;
}

/**
 * Holds what can be held of the order's remainder (never at `exclude`) and returns its new
 * position. With `sourcing`, the channel's rule decides (ledger/sourcing.ts) and the plan
 * counts the fulfillments it opens against daily capacities; without, §4's allocation.
 */
export function planHold(ctx: LedgerContext, demand: OrderLine[], touchOrder: boolean, exclude: readonly string[] = [], sourcing?: SourcingInput): ApplyPlan {
  const open = touchOrder || ctx.order?.status === 'open';
  const position = orderPosition(ctx, demand, open);
  let plan: { allocations: Allocation[]; backordered: OrderLine[] };
  let extra: Pick<ReserveResult, 'sourcing'> = {};
  let opened: ApplyPlan['opened'];
  let passedOver: string[] = [];
  if (sourcing) {
    const snapshot = sourcingSnapshot(ctx, sourcing.facts);
    const sourced = source(
      { lines: position.remainder, country: sourcing.country, exclude, usedBy: position.allocations.map((a) => a.warehouseId) },
      sourcing.rule,
      snapshot,
    );
    passedOver = passedOverWith(sourced.backordered, sourced.allocations, snapshot);
    plan = sourced;
    if (sourcing.explain && position.remainder.length > 0) extra = { sourcing: { strategy: sourced.strategy, decisions: sourced.decisions } };
    opened = sourced.opened.flatMap((id) => {
      const f = sourcing.facts.get(id);
      return f?.dailyCapacity === undefined ? [] : [{ warehouseId: id, expected: f.openedToday }];
    });
  } else {
    plan = allocate(position.remainder, stockFromContext(ctx, new Set(exclude)));
  }
  const result: ReserveResult = {
    allocations: mergeAllocations(position.allocations, plan.allocations),
    backordered: plan.backordered,
    ...extra,
  };
  return {
    opened,
    orderStatus: touchOrder || plan.allocations.length > 0 ? 'open' : undefined,
    demand: touchOrder ? demand : undefined,
    changes: plan.allocations.map((a) => ({ ...a, kind: 'reserve', onHandDelta: 0, reservedDelta: a.quantity, onFail: 'stale' })),
    transitions: plan.allocations.map((a) => ({ ...a, from: null, to: 'held' })),
    backorderedSkus: plan.backordered.map((b) => b.sku),
    backorderExclude: [...new Set([...exclude, ...passedOver])].sort(),
    result,
  };
}

/**
 * Warehouses that still had units of a backordered SKU after the plan: the rule passed them
 * over (maxParcels), so their stock does not make the backorder wrong, and ledger_apply()'s
 * "did stock arrive since the read?" check leaves them out as it does excluded warehouses.
 */
function passedOverWith(backordered: readonly OrderLine[], allocations: readonly Allocation[], snapshot: readonly SourcingWarehouse[]): string[] {
  const short = new Set(backordered.map((b) => b.sku));
  return snapshot
    .filter((w) =>
      [...short].some((sku) => (w.available.get(sku) ?? 0) > allocations.filter((a) => a.warehouseId === w.warehouseId && a.sku === sku).reduce((n, a) => n + a.quantity, 0)),
    )
    .map((w) => w.warehouseId);
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
export function sourcingOptions(opts: SourcingOptions | undefined): { rule: SourcingRule; country?: string; explain: boolean; hashed: Record<string, unknown> } {
  const rule = opts?.sourcing ?? DEFAULT_SOURCING;
  const country = opts?.country;
  if (country !== undefined && !/^[A-Z]{2}$/.test(country)) throw new TypeError('country must be an ISO alpha-2 code');
  const isDefault = rule.strategy === 'priority' && rule.maxParcels === undefined;
  const hashed: Record<string, unknown> = {};
  if (!isDefault) hashed.sourcing = { strategy: rule.strategy, ...(rule.maxParcels === undefined ? {} : { maxParcels: rule.maxParcels }) };
  if (!isDefault && country !== undefined) hashed.country = country;
  return { rule, country, explain: opts !== undefined && ('sourcing' in opts || 'country' in opts), hashed };
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
  const { rule, country, explain, hashed } = sourcingOptions(opts);
  const hash = requestHash('reserve', { orderId, lines: merged, ...hashed });
  const result = await runWrite<ReserveResult>(
    knex,
    { op: 'reserve', key, hash, orderId, skus },
    async (ctx, db) => planReserve(ctx, merged, { rule, country, explain, facts: await readWarehouseFacts(db) }),
    fastPathFits(rule) ? () => reserveSingle(knex, { op: 'reserve', key, hash, orderId, lines: merged }) : undefined,
  );
  return explain ? withFastPathDecision(result, rule) : result;
}

/** Nothing to hold (unknown or released order, no stock) still records the key and the position. */
export async function reserveMore(knex: Knex, orderId: string, key: string, opts?: { exclude?: string[] } & SourcingOptions): Promise<ReserveResult> {
  requireOrderId(orderId);
  requireKey(key);
  const exclude = excludedWarehouses(opts);
  const { rule, country, explain, hashed } = sourcingOptions(opts);
  const hash = requestHash('reserveMore', { ...withOptions({ orderId }, { exclude }), ...hashed });
  return runWrite(knex, { op: 'reserveMore', key, hash, orderId }, async (ctx, db) =>
    planHold(ctx, ctx.demand, false, exclude, { rule, country, explain, facts: await readWarehouseFacts(db) }),
  );
}

