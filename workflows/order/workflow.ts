/**
 * The order saga of docs/design.md §5: validate → reserve → (await stock) → one fulfillment per
 * warehouse (pick → pack → ship → deliver, side by side) → delivered; holds, edits, rejected
 * fulfillments re-routed, and compensation on cancel and on the deadlines.
 *
 * The whole saga runs inside `CancellationScope.nonCancellable`: a cancellation of the workflow
 * (Temporal UI "Request Cancellation") becomes the same cancel request the `cancel` Update
 * makes; the running call finishes (so we know exactly what was done), the undo stacks run, the
 * order ends `cancelled`, and the workflow then rethrows the CancelledFailure so Temporal records
 * the execution as Canceled.
 *
 * Upgrades: this is the order workflow's shape since 0.2 (a deliberate history break from 0.1).
 * From now on a change that alters the commands of running orders goes behind `patched()`; a
 * large one gets a new workflow type or worker deployment version. test/replay.test.ts replays
 * recorded histories against this code.
 */
import { allHandlersFinished, CancellationScope, CancelledFailure, condition, isCancellation, log, patched, sleep } from '@temporalio/workflow';
import { recordOrderStarted } from './metrics';
import type { OrderInput, OrderView } from '../../domain/types';
import { unwind } from './compensation';
import { describeFailure, StepFailed } from './failures';
import { runFulfillment } from './fulfillment/branch';
import { cancelPending } from './fulfillment/stops';
import { allDelivered, syncFulfillments } from './fulfillment/sync';
import { installHandlers } from './handlers/install';
import { cancelPossible, requestCancel } from './handlers/lifecycle';
import { awaitStock, reroute, reserve, validate } from './ledger-steps';
import { CANCEL_OUTRUN_BY_PARCEL, LEAN_ORDER } from './patches';
import { flushRecords, recordsFlushed } from './record';
import { isTerminal } from '../../domain/order-rules';
import { watchShipBy } from './ship-by';
import { activeHolds, anyHandedOver, createState, fulfillmentView, type OrderState } from './state';
import { adoptStartAttributes, enterStep, refresh } from './visibility';

/** The order workflow: one per order, id `order-<orderId>` (see `orderStartOptions`). */
export async function orderWorkflow(input: OrderInput): Promise<OrderView> {
  const s = createState(input);
  // In the first workflow task, beside the ledger steps' markers: costs no action of its own.
  s.publishAtRest = patched('publish-at-rest');
  const lean = patched(LEAN_ORDER);
  s.cuts = { commitOnPickup: lean, activityWrites: lean, waitByEvent: lean };
  installHandlers(s);
  // Workflow cancellation → the same cancel request as the Update (ignored once shipped).
  CancellationScope.current().cancelRequested.catch((err: unknown) => {
    if (!cancelPossible(s)) {
      log.warn('workflow cancellation ignored: the order can no longer be cancelled', { orderId: s.id, status: s.view.status });
      return;
    }
    s.workflowCancellation = err instanceof CancelledFailure ? err : new CancelledFailure('workflow cancelled');
    requestCancel(s, 'workflow cancellation requested', 'workflow');
  });
  recordOrderStarted(input.channel);
  adoptStartAttributes(s);
  await CancellationScope.nonCancellable(async () => {
    refresh(s);
    // The starter (the API's intake) wrote the record of the order as received.
    s.record.saved = s.record.version;
    watchShipBy(s);
    const flusher = flushRecords(s);
    await saga(s);
    await recordsFlushed(s);
    await flusher;
    // Updates waiting on this order's state answer before the workflow closes.
    await condition(allHandlersFinished);
    // The server refuses a workflow task that closes the workflow when a new event arrived
    // meanwhile, and an Update accepted in that same task is aborted with it. Closing one short
    // timer later makes the Updates that finished the order durable in a task of their own.
    // With no Update in the run there is nothing to abort: a refused task is simply re-run.
    if (s.updateSeen) {
      await sleep(1, { summary: 'close' });
      await condition(allHandlersFinished);
    }
  });
  if (s.workflowCancellation && s.view.status === 'cancelled') throw s.workflowCancellation;
  return s.view;
}

type OrderStepName = 'validate' | 'reserve' | 'await_stock' | 'reroute';

/** Runs an order-level step; a failure for good parks the order until retry (true: go on). */
async function orderStep(s: OrderState, step: OrderStepName, fn: () => Promise<void>): Promise<boolean> {
  for (;;) {
    if (cancelPending(s)) return false;
    try {
      await fn();
      return true;
    } catch (err) {
      if (isCancellation(err)) throw err;
      const error = err instanceof StepFailed ? err.error : describeFailure(step, err);
      log.warn('order step failed for good', { orderId: s.id, step, error });
      s.orderFailure = { step, error };
      s.view.lastError = error;
      s.view.failedStep = step;
      refresh(s, `${step} failed: ${error.message}`);
      enterStep(s, `needs attention (${step})`);
      const seen = s.retrySeq;
      const inTime = await condition(() => s.retrySeq !== seen || cancelPending(s), s.input.timeouts.attentionMs, { summary: 'attention timeout' });
      s.orderFailure = undefined;
      s.view.failedStep = undefined;
      if (cancelPending(s)) return false;
      if (!inTime && s.retrySeq === seen) {
        requestCancel(s, 'attention timeout: nobody retried or cancelled in time', 'attention_timeout');
        return false;
      }
      s.retryHandled = s.retrySeq;
      refresh(s, `retrying ${step}`);
    }
  }
}

async function saga(s: OrderState): Promise<void> {
  let valid = true;
  if (!(await orderStep(s, 'validate', async () => void (valid = await validate(s))))) return void (await compensate(s, 'cancelled'));
  if (!valid) return;
  if (!(await orderStep(s, 'reserve', () => reserve(s)))) return void (await compensate(s, 'cancelled'));
  for (;;) {
    if (cancelPending(s)) {
      if (await compensate(s, 'cancelled')) return;
      continue;
    }
    if (s.timedOut) return void (await compensate(s, 'timed_out', s.timedOut));
    if (s.rerouteNeeded) {
      if (!(await orderStep(s, 'reroute', () => reroute(s))) && (await compensate(s, 'cancelled'))) return;
      continue;
    }
    if (s.view.backordered.length > 0) {
      let outcome = 'filled';
      const stop = () => cancelPending(s) || s.timedOut !== undefined || s.rerouteNeeded;
      const ok = await orderStep(s, 'await_stock', async () => void (outcome = await awaitStock(s, stop)));
      if (!ok) {
        if (await compensate(s, 'cancelled')) return;
        continue;
      }
      if (outcome === 'timeout') return void (await compensate(s, 'timed_out', 'backorder timeout: held units released'));
      continue;
    }
    if (activeHolds(s).length > 0 || s.editing > 0) {
      enterStep(s, activeHolds(s).length > 0 ? 'on hold' : 'editing');
      await condition(() => (activeHolds(s).length === 0 && s.editing === 0) || cancelPending(s) || s.timedOut !== undefined || s.rerouteNeeded);
      continue;
    }
    const ready = syncFulfillments(s);
    if (ready.length > 0) refresh(s);
    for (const run of ready) void runFulfillment(s, run);
    if (allDelivered(s)) {
      enterStep(s, 'done');
      // The last parcel's delivery usually made the order delivered already: one record write, not two.
      if (s.view.status !== 'delivered') refresh(s, undefined, 'delivered');
      return;
    }
    const key = wakeKey(s);
    await condition(() => wakeKey(s) !== key);
  }
}

/** What the supervising loop reacts to; it wakes when any of it changes. */
function wakeKey(s: OrderState): string {
  return [
    cancelPending(s),
    s.timedOut ?? '',
    s.rerouteNeeded,
    activeHolds(s).length,
    s.editing,
    s.view.backordered.length,
    s.positionVersion,
    // Whether each branch runs, not its status: a step of a running branch needs nothing of the loop.
    s.runs.map((r) => (r.running ? 1 : 0)).join(''),
  ].join('|');
}

/**
 * Undoes what was done and closes the order `cancelled` or `timed_out`: every branch stops
 * where it is, then each fulfillment's undo stack runs, then the order's (the reservation).
 * Answers false when it closed nothing: a cancel that a parcel outran (see cancelOutrun).
 */
async function compensate(s: OrderState, final: 'cancelled' | 'timed_out', note?: string): Promise<boolean> {
  s.closing = true;
  enterStep(s, final === 'cancelled' ? 'compensating (cancel)' : 'compensating (timeout)');
  await condition(() => s.runs.every((r) => !r.running) && !s.ledgerBusy && s.editing === 0);
  if (final === 'cancelled' && cancelOutrun(s)) {
    resumeAfterOutrunCancel(s);
    return false;
  }
  const failures = [];
  for (const run of [...s.runs].reverse()) failures.push(...(await unwind(run.undo, describeFailure, s.id)));
  failures.push(...(await unwind(s.undo, describeFailure, s.id)));
  if (failures.length > 0) s.view.lastError = failures[failures.length - 1];
  const reason = final === 'cancelled' ? (s.cancelRequest?.reason ?? 'cancelled') : (note ?? 'timed out');
  for (const f of s.view.fulfillments) {
    if (!['shipped', 'delivered', 'rejected', 'cancelled'].includes(f.status)) {
      f.status = 'cancelled';
      f.reason = reason;
    }
  }
  if (final === 'cancelled') s.view.cancelReason = reason;
  s.view.failedStep = undefined;
  s.view.failedFulfillmentId = undefined;
  enterStep(s, 'closed');
  if (!isTerminal(s.view.status)) refresh(s, final === 'cancelled' ? reason : note, final);
  return true;
}

/**
 * The carrier took a parcel in the same workflow activation as the cancel arrived: the loop saw
 * the cancel and began closing, the pickup branch saw the parcel (wait.ts) and withdrew the
 * cancel (fulfillment/branch.ts handOver; the cancel Update answers 409). Nothing is undone yet — the
 * branches have only stopped — so the parcel's decision stands: the order goes on and the
 * cancel changed nothing (docs/design.md §6: 409 → nothing changes). Earlier code closed such an
 * order `cancelled` and put the parcel's units back on the shelf: patched, so its histories
 * replay as they ran.
 */
function cancelOutrun(s: OrderState): boolean {
  return !cancelPending(s) && s.cancelRequest === undefined && anyHandedOver(s) && s.timedOut === undefined && patched(CANCEL_OUTRUN_BY_PARCEL);
}

function resumeAfterOutrunCancel(s: OrderState): void {
  s.closing = false;
  log.info('cancel withdrawn: a parcel left before the order closed; the order goes on', { orderId: s.id });
  // The branches stopped for the cancel resume where they stopped (a pick or pack wait starts again).
  for (const run of s.runs) {
    const status = fulfillmentView(s, run).status;
    if (!run.running && run.step !== 'done' && !['cancelled', 'rejected', 'delivered'].includes(status)) void runFulfillment(s, run);
  }
  refresh(s);
}
