/**
 * The order's own ledger steps before and between its fulfillments: validate, reserve, wait
 * for backordered stock, re-route a rejected fulfillment's units, apply an edit. Keys derive
 * from the order and a sequence number kept in state, so a retried activity changes nothing
 * twice and a retried step after needs_attention is answered from the first result.
 */
import { condition, type LocalActivityOptions } from '@temporalio/workflow';
import type { OrderActivities } from '../../activities/order-activities';
import type { ReserveResult } from '../../ledger/types';
import { ORDER_INVALID } from '../../domain/failure-types';
import type { OrderLine } from '../../domain/types';
import { COMPENSATION, LOCAL_LEDGER, acts, localActs } from './activity-options';
import { pushUndo } from './compensation';
import { describeFailure, failureType } from './failures';
import type { OrderState } from './state';
import { enterStep, refresh } from './visibility';

/** Safety net while awaiting stock: re-try the reservation this often even without a stockArrived signal. */
export const STOCK_RECHECK_MS = 5 * 60_000;

type LedgerStep = 'validateOrder' | 'reserveStock' | 'reserveMoreStock' | 'commitStock' | 'amendOrder' | 'releaseStock';

export const units = (lines: { quantity: number }[]): number => lines.reduce((n, l) => n + l.quantity, 0);
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A forward ledger step as a local activity with its summary. */
export function ledgerStep<K extends LedgerStep>(
  name: K,
  summary: string,
  args: Parameters<OrderActivities[K]>,
): Promise<Awaited<ReturnType<OrderActivities[K]>>> {
  // The proxy's per-name types do not survive a generic index; every entry takes (options, args).
  type Step = { executeWithOptions(o: LocalActivityOptions, a: Parameters<OrderActivities[K]>): Promise<Awaited<ReturnType<OrderActivities[K]>>> };
  return (localActs[name] as unknown as Step).executeWithOptions({ ...LOCAL_LEDGER, summary }, args);
}

/** Edits, re-routes and stock re-checks take turns, so each applies the position the ledger answered last. */
export async function withLedger<T>(s: OrderState, fn: () => Promise<T>): Promise<T> {
  // Tickets, not a flag: two waiters woken in one activation would both see a free flag.
  const ticket = s.ledgerQueue.next++;
  if (s.ledgerQueue.serving !== ticket) await condition(() => s.ledgerQueue.serving === ticket);
  s.ledgerBusy = true;
  try {
    return await fn();
  } finally {
    s.ledgerBusy = false;
    s.ledgerQueue.serving++;
  }
}

export function applyPosition(s: OrderState, result: ReserveResult): void {
  s.view.allocations = result.allocations;
  s.view.backordered = result.backordered;
  // The explanation of the last call that placed units (or the first one): a refill that found
  // nothing does not hide why the order is where it is (docs/design.md §17).
  if (result.sourcing && (!s.view.sourcing || result.sourcing.decisions.some((d) => d.lines.length > 0))) s.view.sourcing = result.sourcing;
  s.positionVersion++;
}

/** What the ledger sources the order by: its channel's rule fixed at intake, where it ships to, its ship-by (its place in the queue for scarce stock). */
function sourcingArgs(s: OrderState): { sourcing?: OrderState['input']['sourcing']; country?: string; shipBy?: string } {
  const country = s.view.shippingAddress?.country;
  return { ...(s.input.sourcing ? { sourcing: s.input.sourcing } : {}), ...(country ? { country } : {}), ...(s.input.shipBy ? { shipBy: s.input.shipBy } : {}) };
}

/** false: the order is invalid and ended `rejected`. */
export async function validate(s: OrderState): Promise<boolean> {
  enterStep(s, 'validate');
  try {
    await ledgerStep('validateOrder', `Validate order ${s.id}`, [s.input]);
  } catch (err) {
    if (failureType(err) !== ORDER_INVALID) throw err;
    s.view.lastError = describeFailure('validate', err);
    refresh(s, s.view.lastError.message, 'rejected');
    return false;
  }
  return true;
}

export async function reserve(s: OrderState): Promise<void> {
  enterStep(s, 'reserve');
  if (!s.reserveAttempted) {
    s.reserveAttempted = true;
    pushUndo(s.undo, 'release', () => releaseAll(s));
  }
  const lines = s.view.lines;
  const result = await withLedger(s, () =>
    ledgerStep('reserveStock', `Reserve ${plural(units(lines), 'unit')} of ${plural(new Set(lines.map((l) => l.sku)).size, 'SKU')}`, [
      { orderId: s.id, lines, key: `${s.id}:reserve`, ...sourcingArgs(s) },
    ]),
  );
  applyPosition(s, result);
  s.reserveDone = true;
  refresh(s, result.backordered.length > 0 ? `${plural(units(result.backordered), 'unit')} backordered` : undefined);
}

/** The compensation of the reservation: every held unit of the order back to available. */
async function releaseAll(s: OrderState): Promise<void> {
  const seq = ++s.seq.release;
  const { released } = await acts.releaseStock.executeWithOptions(
    { ...COMPENSATION, summary: `Release held stock${seq > 1 ? ` (${seq})` : ''}` },
    [{ orderId: s.id, key: `${s.id}:release:${seq}` }],
  );
  const releasedAny = released.length > 0 || s.view.allocations.length > 0;
  if (releasedAny) s.view.allocations = [];
  s.view.backordered = [];
}

export type StockOutcome = 'filled' | 'timeout' | 'stop';

/**
 * Waits for backordered units: a stockArrived signal (or the periodic re-check) tries the
 * reservation again; an edit that fills the order ends the wait too.
 */
export async function awaitStock(s: OrderState, stop: () => boolean): Promise<StockOutcome> {
  enterStep(s, 'await stock');
  const deadline = Date.now() + s.input.timeouts.backorderMs;
  for (;;) {
    if (stop()) return 'stop';
    if (s.view.backordered.length === 0) return 'filled';
    const left = deadline - Date.now();
    if (left <= 0) return 'timeout';
    const version = s.positionVersion;
    const woke = await condition(() => s.stockCheckRequested || stop() || s.positionVersion !== version, Math.min(left, STOCK_RECHECK_MS), {
      summary: left <= STOCK_RECHECK_MS ? 'backorder timeout' : 'stock re-check',
    });
    if (stop()) return 'stop';
    if (s.positionVersion !== version) continue;
    if (!woke && Date.now() >= deadline) continue;
    s.stockCheckRequested = false;
    const seq = ++s.seq.reserveMore;
    const result = await withLedger(s, () =>
      ledgerStep('reserveMoreStock', `Reserve backordered units (check ${seq})`, [{ orderId: s.id, key: `${s.id}:reserve-more:${seq}`, exclude: s.excluded, ...sourcingArgs(s) }]),
    );
    applyPosition(s, result);
    refresh(s);
  }
}

/** A rejected fulfillment's units, held again at the other active warehouses (never one that refused). */
export async function reroute(s: OrderState): Promise<void> {
  enterStep(s, 're-route');
  s.rerouteNeeded = false;
  const seq = ++s.seq.reroute;
  const result = await withLedger(s, () =>
    ledgerStep('reserveMoreStock', `Re-route units away from ${s.excluded.join(', ')}`, [{ orderId: s.id, key: `${s.id}:reroute:${seq}`, exclude: s.excluded, ...sourcingArgs(s) }]),
  );
  applyPosition(s, result);
  refresh(s, result.backordered.length > 0 ? `re-routed; ${plural(units(result.backordered), 'unit')} backordered` : 're-routed');
}

/** An edit's new lines: the ledger applies only the difference, under a key from the edit's number. */
export async function amendLines(s: OrderState, lines: OrderLine[]): Promise<void> {
  const seq = ++s.seq.edit;
  const result = await withLedger(s, () =>
    ledgerStep('amendOrder', `Edit ${seq}: ${plural(units(lines), 'unit')} of ${plural(new Set(lines.map((l) => l.sku)).size, 'SKU')}`, [
      { orderId: s.id, lines, key: `${s.id}:edit:${seq}`, exclude: s.excluded },
    ]),
  );
  applyPosition(s, result);
}
