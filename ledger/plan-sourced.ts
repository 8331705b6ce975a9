/**
 * The sourced half of planHold (docs/design.md §17): the queue for scarce stock caps what the
 * order may hold, the channel's rule places it, and the plan carries what ledger_apply_sourced
 * checks and records (daily counts, the order's place in the queue).
 */
import { mergeLines } from './lines';
import type { OrderPosition } from './position';
import { source } from './sourcing';
import { sourcingSnapshot, type WarehouseFacts } from './sourcing-facts';
import type { SourcingRule, SourcingWarehouse } from './sourcing-types';
import type { ApplyPlan } from './store';
import type { Allocation, OrderLine, ReserveResult } from './types';
import type { LedgerContext } from './context';
import { capByQueue, claimedAhead, type WaitQueue } from './waiting';

/** The order's sourcing inputs and what this planning attempt read besides the context. */
export interface SourcingInput {
  orderId: string;
  rule: SourcingRule;
  country?: string;
  /** ISO 8601, or null: the order's ship-by, its first key in the queue. */
  shipBy: string | null;
  facts: ReadonlyMap<string, WarehouseFacts>;
  queue: WaitQueue;
  /** ISO 8601: when this attempt plans (an order not yet waiting would start waiting now). */
  now: string;
  /** Put the decisions in the result (callers that source an order ask; others get §4's shape). */
  explain: boolean;
}

export interface SourcedPlan {
  allocations: Allocation[];
  backordered: OrderLine[];
  sourcing?: ReserveResult['sourcing'];
  opened: NonNullable<ApplyPlan['opened']>;
  waits: NonNullable<ApplyPlan['waits']>;
  /** Warehouses whose stock does not make this backorder wrong (see passedOverWith). */
  passedOver: string[];
}

export function planSourced(ctx: LedgerContext, position: OrderPosition, exclude: readonly string[], input: SourcingInput): SourcedPlan {
  const snapshot = sourcingSnapshot(ctx, input.facts);
  const claimed = claimedAhead({ orderId: input.orderId, shipBy: input.shipBy, now: input.now }, input.queue.waiters);
  const { mayHold, queued } = capByQueue(position.remainder, snapshot, exclude, claimed);
  const sourced = source({ lines: mayHold, country: input.country, exclude, usedBy: position.allocations.map((a) => a.warehouseId) }, input.rule, snapshot);
  const backordered = [...sourced.backordered, ...queued].length > 0 ? mergeLines([...sourced.backordered, ...queued]) : [];
  return {
    allocations: sourced.allocations,
    backordered,
    ...(input.explain && position.remainder.length > 0 ? { sourcing: { strategy: sourced.strategy, decisions: withQueueNote(sourced.decisions, queued) } } : {}),
    opened: sourced.opened.flatMap((id) => {
      const f = input.facts.get(id);
      return f?.dailyCapacity === undefined ? [] : [{ warehouseId: id, expected: f.openedToday }];
    }),
    waits: { orderId: input.orderId, shipBy: input.shipBy, skus: backordered.map((b) => b.sku), stale: input.queue.stale },
    passedOver: passedOverWith(backordered, sourced.allocations, snapshot),
  };
}

/** Units left for orders ahead in the queue are said so on the warehouses that have them. */
function withQueueNote<T extends { lines: OrderLine[]; reason: string }>(decisions: T[], queued: OrderLine[]): T[] {
  if (queued.length === 0) return decisions;
  const note = ` (${queued.map((q) => `${q.quantity} × ${q.sku}`).join(', ')} left for orders ahead in the queue for scarce stock)`;
  return decisions.map((d) => (d.lines.length > 0 || d.reason.startsWith('not needed') ? { ...d, reason: d.reason + note } : d));
}

/**
 * Warehouses that still had units of a backordered SKU after the plan: the rule passed them
 * over (maxParcels) or left them to orders ahead in the queue, so their stock does not make
 * the backorder wrong, and ledger_apply()'s "did stock arrive since the read?" check leaves
 * them out as it does excluded warehouses. The order is already waiting (its demand rows are
 * what the stock waker reads), so it still hears of the next receipt.
 */
function passedOverWith(backordered: readonly OrderLine[], allocations: readonly Allocation[], snapshot: readonly SourcingWarehouse[]): string[] {
  const short = new Set(backordered.map((b) => b.sku));
  const taken = (id: string, sku: string) => allocations.filter((a) => a.warehouseId === id && a.sku === sku).reduce((n, a) => n + a.quantity, 0);
  return snapshot.filter((w) => [...short].some((sku) => (w.available.get(sku) ?? 0) > taken(w.warehouseId, sku))).map((w) => w.warehouseId);
}
