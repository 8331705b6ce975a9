/**
 * The reaper's pass (docs/design.md §4 invariant 4): release the held stock of orders whose workflow
 * closed without compensating — terminated from the UI, timed out or failed at the workflow
 * level — and close their records. Each pass asks visibility only for executions closed since
 * the last pass, so its cost follows the number of such orders, not the number holding stock;
 * every `fullSweepEvery` passes a reconciliation with the closed-workflow check is the safety
 * net for anything visibility missed.
 */
import { createHash } from 'node:crypto';
import { Context, log } from '@temporalio/activity';
import type { ClosedOrdersCheck, Ledger, ReconciliationProblem } from '../ledger/types';
import type { ClosedOrdersFinder } from '../clients/order-closed';
import type { ClosedTransfersFinder } from '../clients/closed-transfers';
import type { TransferRecords } from '../orders/transfers';
import type { OrderRecords } from '../orders';
import { isTerminal } from '../domain/order-rules';
import type { Allocation, OrderView } from '../domain/types';
import { mapErrors } from './errors';
import { recordReconciliation } from './ledger-metrics';

export interface ReaperDeps {
  ledger: Ledger;
  findClosedSince: ClosedOrdersFinder;
  /** The full sweep's check (describes each order holding stock). */
  isWorkflowClosed: ClosedOrdersCheck;
  records?: Pick<OrderRecords, 'get' | 'save'>;
  /** The worker's REAPER_INTERVAL: the workflow reads it from each pass, so a change applies at once. */
  intervalMs: number;
  /** Visibility is eventually consistent: each pass looks this far behind its watermark (default 2 min). */
  overlapMs?: number;
  /** A full reconciliation every this many passes (default 20; 0: never). */
  fullSweepEvery?: number;
  /** The first pass looks this far back (default 24 h). */
  firstLookBackMs?: number;
  /** Transfers (docs/design.md §15): a closed workflow's still-requested transfer is cancelled and its units released. */
  transfers?: Pick<TransferRecords, 'cancel'>;
  findClosedTransfersSince?: ClosedTransfersFinder;
}

export interface ReapRequest {
  /** The watermark the previous pass answered; absent on the first pass. */
  since?: string;
  pass: number;
}

export interface ReaperReport {
  released: { orderId: string; allocations: Allocation[] }[];
  /** Transfers whose workflow closed while they held units: cancelled, their reservation released. */
  releasedTransfers?: string[];
  /** Other reconciliation problems (full sweeps only), logged for a human: the reaper only fixes held stock of closed orders. */
  otherProblems: ReconciliationProblem[];
  /** Closed orders this pass looked at. */
  checked: number;
  fullSweep: boolean;
  watermark: string;
  intervalMs: number;
}

/** Keyed by what is held now: a reservation that committed after an earlier pass gets a release of its own. */
function releaseKey(orderId: string, held: { warehouseId: string; sku: string; quantity: number }[]): string {
  const what = held.map((h) => `${h.warehouseId}/${h.sku}/${h.quantity}`).sort().join(',');
  return `${orderId}:reaper-release:${createHash('sha256').update(what).digest('hex').slice(0, 16)}`;
}

/** The record of an order whose workflow will never write again: closed, with why. */
export function abandonedView(view: OrderView, how: string, at: string): OrderView {
  const reason = `workflow ${how}: held stock released by the reaper`;
  return {
    ...view,
    status: 'cancelled',
    cancelReason: reason,
    fulfillments: view.fulfillments.map((f) => (['shipped', 'delivered', 'rejected', 'cancelled'].includes(f.status) ? f : { ...f, status: 'cancelled', reason })),
    history: [...view.history, { at, status: 'cancelled', note: reason }],
  };
}

export function createReaperActivities(deps: ReaperDeps) {
  const { ledger } = deps;

  async function releaseHeld(orderId: string): Promise<Allocation[]> {
    const held = (await mapErrors(() => ledger.reservations(orderId))).filter((r) => r.status === 'held');
    if (held.length === 0) return [];
    const { released } = await mapErrors(() => ledger.release(orderId, releaseKey(orderId, held)));
    return released;
  }

  async function closeRecord(orderId: string, how: string): Promise<void> {
    const record = await deps.records?.get(orderId);
    if (!record || isTerminal(record.view.status)) return;
    await deps.records!.save(abandonedView(record.view, how, new Date().toISOString()), { version: record.version + 1 });
  }

  return {
    async reapClosedOrders(req: ReapRequest): Promise<ReaperReport> {
      const started = Date.now();
      const since = req.since ? Date.parse(req.since) : started - (deps.firstLookBackMs ?? 24 * 3600_000);
      const closed = await deps.findClosedSince(new Date(since - (deps.overlapMs ?? 120_000)).toISOString());
      const released: ReaperReport['released'] = [];
      for (const order of closed) {
        const allocations = await releaseHeld(order.orderId);
        await closeRecord(order.orderId, order.status.toLowerCase().replace('_', ' '));
        if (allocations.length > 0) {
          released.push({ orderId: order.orderId, allocations });
          log.warn('reaper released stock held by a closed order workflow', { orderId: order.orderId, status: order.status, released: allocations });
        }
      }
      const releasedTransfers: string[] = [];
      if (deps.transfers && deps.findClosedTransfersSince) {
        for (const transferId of await deps.findClosedTransfersSince(new Date(since - (deps.overlapMs ?? 120_000)).toISOString())) {
          // Only a transfer still `requested` moves (cancel is idempotent); shipped ones hold nothing.
          const outcome = await mapErrors(() => deps.transfers!.cancel(transferId, 'workflow closed without compensating: reservation released by the reaper', new Date().toISOString()));
          if (outcome.kind === 'done' && outcome.changed) {
            releasedTransfers.push(transferId);
            log.warn('reaper released stock held by a closed transfer workflow', { transferId });
          }
        }
      }
      const every = deps.fullSweepEvery ?? 20;
      const fullSweep = every > 0 && req.pass % every === 0;
      let otherProblems: ReconciliationProblem[] = [];
      if (fullSweep) {
        const report = await mapErrors(() => ledger.reconcile(deps.isWorkflowClosed));
        const missed = [...new Set(report.problems.flatMap((p) => (p.kind === 'held_for_closed_order' ? [p.orderId] : [])))];
        for (const orderId of missed) {
          const allocations = await releaseHeld(orderId);
          if (allocations.length > 0) released.push({ orderId, allocations });
          log.warn('reaper full sweep released stock of a closed order visibility did not list', { orderId, released: allocations });
        }
        otherProblems = report.problems.filter((p) => p.kind !== 'held_for_closed_order');
        if (otherProblems.length > 0) log.error('ledger reconciliation found problems the reaper cannot fix', { problems: otherProblems });
      }
      recordReconciliation(Context.current().metricMeter, otherProblems.length, released.length);
      return { released, releasedTransfers, otherProblems, checked: closed.length, fullSweep, watermark: new Date(started).toISOString(), intervalMs: deps.intervalMs };
    },
  };
}

export type ReaperActivities = ReturnType<typeof createReaperActivities>;
