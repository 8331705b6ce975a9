/**
 * One fulfillment's branch: request (pick task) → pick → pack → label → commit → pickup →
 * deliver, at one warehouse, with its own keys, deadlines and undo stack. Branches of one order
 * run side by side in the order's workflow; the order's status is the least advanced of them.
 * A branch returns when it is done, when a hold, a cancel, a deadline or a rejection stops it
 * (those paths, and the predicates the handlers share, are in stops.ts).
 */
import { isCancellation, log } from '@temporalio/workflow';
import { md } from '../../../domain/markdown';
import { deliveredView } from '../../../domain/delivered-view';
import type { OrderView } from '../../../domain/types';
import { DELIVERY_TIMEOUT, PICK_FAILED } from '../../../domain/failure-types';
import { acts, peerCall } from '../activity-options';
import { dropUndo, hasUndo, pushUndo, undoNow } from '../compensation';
import { describeFailure, StepFailed } from '../failures';
import { ledgerStep, plural, units } from '../ledger-steps';
import { carry } from '../record';
import { activityWrite, adoptWrite, type ActivityWrite } from './activity-writes';
import { cancelPickTask, commitKey, labelRequest, pickRequest, restock, voidLabel } from './calls';
import { fulfillmentView, nowIso, type FulfillmentRun, type OrderState } from '../state';
import { enterStep, refresh } from '../visibility';
import { waitFor } from '../wait';
import { attention, finishDelivered, holdStops, orderStopping, PICK_TASK, reject, STEP_NAME, stopForHold, timeout, type BranchEnd } from './stops';

export function runFulfillment(s: OrderState, run: FulfillmentRun): Promise<BranchEnd> {
  run.running = true;
  return branch(s, run).then(
    (end) => {
      run.running = false;
      return end;
    },
    (err) => {
      run.running = false;
      throw err;
    },
  );
}

async function branch(s: OrderState, run: FulfillmentRun): Promise<BranchEnd> {
  const stop = () => orderStopping(s) || run.rejection !== undefined || holdStops(s, run);
  for (;;) {
    if (orderStopping(s)) return 'cancel';
    if (run.rejection !== undefined) {
      await reject(s, run);
      return 'rejected';
    }
    if (holdStops(s, run)) {
      await stopForHold(s, run);
      return 'stopped';
    }
    if (run.failure) {
      const end = await attention(s, run);
      if (end) return end;
      continue;
    }
    try {
      const end = await step(s, run, stop);
      if (end) return end;
    } catch (err) {
      if (isCancellation(err)) throw err;
      const error = err instanceof StepFailed ? err.error : describeFailure(STEP_NAME[run.step], err);
      run.failure = { step: run.step, error: { ...error, step: STEP_NAME[run.step] } };
      log.warn('fulfillment step failed for good', { orderId: s.id, fulfillmentId: run.id, step: run.step, error });
    }
  }
}

async function step(s: OrderState, run: FulfillmentRun, stop: () => boolean): Promise<BranchEnd | undefined> {
  const f = fulfillmentView(s, run);
  // Evaluated as each call is scheduled: the view as it stands then rides on it (see record.ts).
  const ctx = () => ({ orderId: s.id, fulfillmentId: run.id, warehouseId: run.warehouseId, record: carry(s) });
  switch (run.step) {
    case 'request': {
      if (f.status !== 'requested') {
        f.status = 'requested';
        refresh(s);
      }
      enterStep(s, `request ${run.id}`);
      // A task left open by a failed pick is cancelled before the next attempt opens another.
      if (run.taskOpen) await undoNow(run.undo, PICK_TASK);
      // After a create whose answer was lost, the same key again: the warehouse answers with the
      // task it may already have opened instead of a second one beside it.
      if (!run.createPending) run.attempt++;
      run.picked = false;
      run.pickFailure = undefined;
      run.packed = false;
      run.createPending = true;
      if (!hasUndo(run.undo, PICK_TASK)) pushUndo(run.undo, PICK_TASK, () => cancelPickTask(s, run));
      // The request counts against the pick deadline: the warehouse cannot pick what it never got.
      // The picking record is the workflow's own write, after this answer: written by the request's
      // activity, it showed `picking` before the workflow took picking events, and a warehouse that
      // read it and reported `picked` met a 409 (fault run 5).
      const { taskId, byEvent } = await acts.createPickTask.executeWithOptions(
        peerCall(s.input.timeouts.pickMs, `Request ${run.id} at ${run.warehouseId} (attempt ${run.attempt})`),
        [{ ...ctx(), ...pickRequest(s, run) }],
      );
      run.createPending = false;
      run.warehouseByEvent = s.cuts.waitByEvent && byEvent === true;
      run.taskOpen = true;
      f.pickTaskId = taskId;
      if (stop()) return undefined;
      run.step = 'pick';
      f.status = 'picking';
      refresh(s, `pick task ${taskId}`);
      return undefined;
    }
    case 'pick': {
      enterStep(s, `picking ${run.id}`);
      const taskId = f.pickTaskId!;
      const outcome = await waitFor({
        step: 'pick',
        summary: `Wait for pick task ${md(taskId)}`,
        run: run.warehouseByEvent ? undefined : (o) => acts.awaitPick.executeWithOptions(o, [{ ...ctx(), taskId }]),
        onCompleted: () => (run.picked = true),
        done: () => run.picked || run.pickFailure !== undefined,
        stop,
        timeoutMs: s.input.timeouts.pickMs,
        timeoutSummary: 'pick timeout',
      });
      if (outcome === 'stop') return undefined;
      if (outcome === 'timeout') return timeout(s, 'pick timeout: pick task cancelled, held units released');
      if (run.pickFailure !== undefined) {
        run.step = 'request';
        throw new StepFailed({ step: 'pick', type: PICK_FAILED, message: run.pickFailure, at: nowIso() });
      }
      run.step = 'pack';
      f.status = 'packing';
      refresh(s);
      return undefined;
    }
    case 'pack': {
      enterStep(s, `packing ${run.id}`);
      const taskId = f.pickTaskId!;
      const outcome = await waitFor({
        step: 'pack',
        summary: `Pack ${run.id} (task ${md(taskId)})`,
        run: run.warehouseByEvent ? undefined : (o) => acts.packOrder.executeWithOptions(o, [{ ...ctx(), taskId }]),
        onCompleted: () => (run.packed = true),
        done: () => run.packed,
        stop,
        timeoutMs: s.input.timeouts.packMs,
        timeoutSummary: 'pack timeout',
      });
      if (outcome === 'stop') return undefined;
      if (outcome === 'timeout') return timeout(s, 'pack timeout: pick task cancelled, held units released');
      run.step = 'label';
      f.status = 'shipping';
      refresh(s);
      return undefined;
    }
    case 'label': {
      if (!run.labelBought && run.pendingShipment === undefined) {
        enterStep(s, `buy label ${run.id}`);
        if (!hasUndo(run.undo, 'void label')) pushUndo(run.undo, 'void label', () => voidLabel(s, run));
        // Buying the label finishes packing for shipment: it counts against the pack deadline.
        const label = await acts.buyLabel.executeWithOptions(peerCall(s.input.timeouts.packMs, `Buy ${s.view.shippingMethod} label for ${run.id}`), [labelRequest(s, run)]);
        run.labelBought = true;
        // A manual carrier sells no label: its shipped event brings carrier and tracking number.
        run.carrierByEvent = s.cuts.waitByEvent && (!label || label.byEvent === true);
        if (label) {
          run.label = label;
          f.shipment = { carrier: label.carrier, trackingNumber: label.trackingNumber, labelId: label.labelId };
        } else {
          dropUndo(run.undo, 'void label');
        }
        // Not a transition, but the order may now rest in shipping for hours until the first
        // scan: the record must show the label (docs/design.md §5, §9). The commit just below,
        // or the pickup wait that carries it, carries the view (record.ts): no history event.
        refresh(s);
      }
      run.step = 'commit';
      return undefined;
    }
    case 'commit': {
      if (orderStopping(s)) return undefined;
      enterStep(s, `commit stock ${run.id}`);
      // Registered before the call: if it fails for good after the ledger applied it, the
      // compensation learns by replaying the same key that the units left the books.
      if (!hasUndo(run.undo, 'restock')) pushUndo(run.undo, 'restock', () => restock(s, run));
      if (s.cuts.commitOnPickup && !run.carrierByEvent) {
        // The pickup wait's activity commits first (patches.ts LEAN_ORDER): one call fewer.
        run.step = 'pickup';
        return undefined;
      }
      await ledgerStep('commitStock', `Commit ${plural(units(f.lines), 'held unit')} at ${run.warehouseId} as shipped`, [
        { ...ctx(), key: commitKey(s, run) },
      ]);
      run.committed = true;
      run.step = 'pickup';
      return undefined;
    }
    case 'pickup': {
      if (orderStopping(s)) return undefined;
      enterStep(s, `awaiting carrier pickup ${run.id}`);
      const commit = run.committed ? undefined : { key: commitKey(s, run) };
      const outcome = await waitFor({
        step: 'ship',
        summary: run.label ? `Hand parcel ${md(run.label.trackingNumber)} to ${md(run.label.carrier)}` : `Wait for carrier pickup of ${run.id}`,
        run: run.carrierByEvent
          ? undefined
          : (o) =>
              acts.awaitPickup.executeWithOptions(o, [{ ...ctx(), label: run.label, ...(commit ? { commit } : {}) }]).then((r) => {
                // The activity committed before it waited.
                if (commit) run.committed = true;
                return r;
              }),
        onCompleted: () => (run.handedOver = true),
        done: () => run.handedOver || run.pendingShipment !== undefined,
        stop: () => orderStopping(s),
        doneWins: true,
      });
      if (outcome === 'stop') return undefined;
      if (!run.committed) {
        // A shipped event ended the wait before its activity answered: the commit is confirmed
        // (its key replays it, or applies it) before the parcel's units can no longer be undone.
        await ledgerStep('commitStock', `Commit ${plural(units(f.lines), 'held unit')} at ${run.warehouseId} as shipped`, [{ ...ctx(), key: commitKey(s, run) }]);
        run.committed = true;
      }
      handOver(s, run);
      return undefined;
    }
    case 'deliver': {
      if (!run.delivered) {
        enterStep(s, `in transit ${run.id}`);
        let closing: ActivityWrite | undefined;
        const outcome = await waitFor({
          step: 'deliver',
          summary: `Track delivery${f.shipment?.trackingNumber ? ` of ${md(f.shipment.trackingNumber)}` : ''}`,
          run: run.carrierByEvent
            ? undefined
            : (o) => {
                const c = ctx();
                closing = activityWrite(s, c.record !== undefined, deliveredView(s.view, run.id, '') !== undefined);
                const args = { ...c, trackingNumber: f.shipment?.trackingNumber, ...(closing ? { closing: closing.arg } : {}) };
                return acts.awaitDelivery.executeWithOptions(o, [args]).then((r) => {
                  if (closing) closing.at = r.at;
                  return r;
                });
              },
          onCompleted: () => (run.delivered = true),
          done: () => run.delivered,
          stop: () => false,
          timeoutMs: s.input.timeouts.deliveryMs,
          timeoutSummary: 'delivery timeout',
          doneWins: true,
        });
        if (outcome === 'timeout') throw new StepFailed({ step: 'deliver', type: DELIVERY_TIMEOUT, message: 'no delivery reported in time', at: nowIso() });
        if (closing?.at !== undefined) {
          finishDelivered(s, run, closing.at);
          adoptWrite(s, closing, deliveredView(JSON.parse(closing.base) as OrderView, run.id, closing.at));
          return 'done';
        }
      }
      finishDelivered(s, run);
      return 'done';
    }
    case 'done':
      return 'done';
  }
}

function handOver(s: OrderState, run: FulfillmentRun): void {
  const f = fulfillmentView(s, run);
  run.handedOver = true;
  // Nothing of a parcel with the carrier can be undone any more.
  run.undo.length = 0;
  if (s.cancelRequest && s.cancelRequest.source !== 'attention_timeout') {
    // The parcel left while a cancel was on its way: too late, the cancel Update answers 409.
    log.warn('cancel arrived as the carrier took the parcel: not cancelled', { orderId: s.id, fulfillmentId: run.id });
    s.cancelRequest = undefined;
    s.workflowCancellation = undefined;
  }
  const shipment = run.pendingShipment ?? (run.label && { carrier: run.label.carrier, trackingNumber: run.label.trackingNumber });
  f.shipment = { ...f.shipment, ...shipment, shippedAt: nowIso() } as NonNullable<typeof f.shipment>;
  run.step = 'deliver';
  f.status = 'shipped';
  refresh(s, f.shipment.trackingNumber ? `${f.shipment.carrier} ${f.shipment.trackingNumber}` : undefined);
}
