/**
 * How a fulfillment branch stops or ends, beside its steps (branch.ts): the predicates the
 * branch and the handlers ask, and the paths that are not a step — delivered, timed out, parked
 * for attention, stopped by a hold, rejected by the warehouse.
 */
import { condition, log } from '@temporalio/workflow';
import { dropUndo, undoNow } from '../compensation';
import { ledgerStep, withLedger } from '../ledger-steps';
import { activeHolds, anyHandedOver, fulfillmentView, nowIso, type FulfillmentRun, type FulfillmentStep, type OrderState } from '../state';
import { enterStep, refresh } from '../visibility';

export type BranchEnd = 'done' | 'stopped' | 'rejected' | 'cancel' | 'timeout';

const BEFORE_LABEL: readonly FulfillmentStep[] = ['request', 'pick', 'pack'];
export const PICK_TASK = 'cancel pick task';

/** A cancel that can still take effect (an attention timeout cancels even after a parcel left). */
export const cancelPending = (s: OrderState): boolean =>
  !!s.cancelRequest && (s.cancelRequest.source === 'attention_timeout' || !anyHandedOver(s));

/** The order is being closed: every branch stops where it is. */
export const orderStopping = (s: OrderState): boolean => s.closing || cancelPending(s) || s.timedOut !== undefined;

/** Holds stop a fulfillment until its label is bought; from shipping on it goes on. */
export const holdStops = (s: OrderState, run: FulfillmentRun): boolean => activeHolds(s).length > 0 && BEFORE_LABEL.includes(run.step);

/** Which step `retry` re-runs, by the name the order shows in `failedStep`. */
export const STEP_NAME: Record<FulfillmentStep, string> = {
  request: 'pick',
  pick: 'pick',
  pack: 'pack',
  label: 'ship',
  commit: 'ship',
  pickup: 'ship',
  deliver: 'deliver',
  done: 'deliver',
};

/** `at`: when the carrier's wait activity saw the delivery (domain/delivered-view.ts changes a view the same way). */
export function finishDelivered(s: OrderState, run: FulfillmentRun, at?: string): void {
  const f = fulfillmentView(s, run);
  if (f.shipment) f.shipment.deliveredAt = at ?? nowIso();
  run.failure = undefined;
  run.step = 'done';
  f.status = 'delivered';
  clearFailedStep(s);
  refresh(s, undefined, undefined, at);
}

export function timeout(s: OrderState, note: string): BranchEnd {
  s.timedOut ??= note;
  return 'timeout';
}

/** needs_attention for this fulfillment: `retry` re-runs its step; a deadline cancels the order. */
export async function attention(s: OrderState, run: FulfillmentRun): Promise<BranchEnd | undefined> {
  const failure = run.failure!;
  s.view.lastError = failure.error;
  s.view.failedStep = STEP_NAME[failure.step];
  s.view.failedFulfillmentId = run.id;
  refresh(s, `${STEP_NAME[failure.step]} failed: ${failure.error.message}`);
  enterStep(s, `needs attention (${STEP_NAME[failure.step]} of ${run.id})`);
  const seen = s.retrySeq;
  const delivery = failure.step === 'deliver';
  const inTime = await condition(
    () => s.retrySeq !== seen || orderStopping(s) || (delivery && run.delivered),
    s.input.timeouts.attentionMs,
    { summary: 'attention timeout' },
  );
  if (delivery && run.delivered) {
    finishDelivered(s, run);
    return 'done';
  }
  if (orderStopping(s)) return 'cancel';
  // A retry accepted in the same activation as the deadline wins: its Update was answered.
  if (!inTime && s.retrySeq === seen) {
    s.cancelRequest ??= { reason: 'attention timeout: nobody retried or cancelled in time', source: 'attention_timeout' };
    return 'cancel';
  }
  run.failure = undefined;
  s.retryHandled = s.retrySeq;
  // A failed pick is picked again under a new task: the fulfillment is requested anew.
  if (run.step === 'request') fulfillmentView(s, run).status = 'requested';
  clearFailedStep(s);
  log.info('retrying fulfillment step', { orderId: s.id, fulfillmentId: run.id, step: failure.step });
  refresh(s, `retrying ${STEP_NAME[failure.step]}`);
  return undefined;
}

function clearFailedStep(s: OrderState): void {
  const other = s.runs.find((r) => r.failure);
  if (other) return;
  s.view.failedStep = undefined;
  s.view.failedFulfillmentId = undefined;
}

/** A hold stops the fulfillment at the warehouse: the pick task is cancelled, the stock stays held. */
export async function stopForHold(s: OrderState, run: FulfillmentRun): Promise<void> {
  const f = fulfillmentView(s, run);
  await undoNow(run.undo, PICK_TASK);
  run.step = 'request';
  f.status = 'requested';
  f.pickTaskId = undefined;
  refresh(s, `${run.id} stopped at ${run.warehouseId} (on hold)`);
}

/** The warehouse refused the fulfillment: its units there are released and held elsewhere. */
export async function reject(s: OrderState, run: FulfillmentRun): Promise<void> {
  const f = fulfillmentView(s, run);
  // The warehouse said no: there is no task of ours to cancel there.
  dropUndo(run.undo, PICK_TASK);
  run.taskOpen = false;
  // Set first: the order must re-route (after this release) before it opens fulfillments again.
  s.rerouteNeeded = true;
  f.status = 'rejected';
  f.reason = run.rejection;
  if (!s.excluded.includes(run.warehouseId)) s.excluded.push(run.warehouseId);
  await withLedger(s, () =>
    ledgerStep('releaseStock', `Release ${run.id}'s units at ${run.warehouseId}`, [
      { orderId: s.id, key: `${s.id}:${run.id}:reject-release`, warehouseId: run.warehouseId },
    ]),
  );
  refresh(s, `${run.id} rejected by ${run.warehouseId}: ${run.rejection}`);
}
