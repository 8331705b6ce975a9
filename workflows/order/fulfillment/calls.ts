/**
 * What a fulfillment's steps ask of the warehouse and the carrier, and the undo actions they
 * register (workflows/order/compensation.ts): cancel the pick task, void the label, put committed
 * units back. Each undo first confirms a call whose answer was lost by replaying its key.
 */
import { md } from '../../../domain/markdown';
import { COMPENSATION, acts } from '../activity-options';
import { carry } from '../record';
import { activeHolds, fulfillmentView, type FulfillmentRun, type OrderState } from '../state';

/** The pick task request of the run's current attempt: the same key and content on every retry and replay. */
export function pickRequest(s: OrderState, run: FulfillmentRun) {
  const f = fulfillmentView(s, run);
  return {
    orderId: s.id,
    fulfillmentId: run.id,
    warehouseId: run.warehouseId,
    key: pickKey(s, run),
    lines: f.lines,
    allocations: f.lines.map((l) => ({ ...l, warehouseId: run.warehouseId })),
    shipTo: s.view.shippingAddress,
    shippingMethod: s.view.shippingMethod,
  };
}

export const pickKey = (s: OrderState, run: FulfillmentRun) => `${s.id}:${run.id}:pick:${run.attempt}`;
export const commitKey = (s: OrderState, run: FulfillmentRun) => `${s.id}:${run.id}:ship`;

function stopReason(s: OrderState): string {
  if (s.cancelRequest) return `cancelled: ${s.cancelRequest.reason}`;
  if (s.timedOut) return s.timedOut;
  if (activeHolds(s).length > 0) return `on hold: ${activeHolds(s).map((h) => h.reason).join(', ')}`;
  return 'cancelled';
}

export async function cancelPickTask(s: OrderState, run: FulfillmentRun): Promise<void> {
  const f = fulfillmentView(s, run);
  if (run.createPending) {
    const { taskId } = await acts.createPickTask.executeWithOptions({ ...COMPENSATION, summary: 'Confirm the pick task whose request went unanswered' }, [
      pickRequest(s, run),
    ]);
    f.pickTaskId = taskId;
    run.taskOpen = true;
    run.createPending = false;
  }
  if (!run.taskOpen || !f.pickTaskId) return;
  const taskId = f.pickTaskId;
  await acts.cancelPickTask.executeWithOptions({ ...COMPENSATION, summary: `Cancel pick task ${md(taskId)}` }, [
    { orderId: s.id, fulfillmentId: run.id, warehouseId: run.warehouseId, taskId, key: `${pickKey(s, run)}:cancel`, reason: stopReason(s) },
  ]);
  run.taskOpen = false;
}

export function labelRequest(s: OrderState, run: FulfillmentRun) {
  const f = fulfillmentView(s, run);
  return {
    record: carry(s),
    orderId: s.id,
    fulfillmentId: run.id,
    warehouseId: run.warehouseId,
    key: `${s.id}:${run.id}:label`,
    address: s.view.shippingAddress,
    method: s.view.shippingMethod,
    lines: f.lines,
    allocations: f.lines.map((l) => ({ ...l, warehouseId: run.warehouseId })),
  };
}

export async function voidLabel(s: OrderState, run: FulfillmentRun): Promise<void> {
  if (!run.labelBought) {
    const label = await acts.buyLabel.executeWithOptions({ ...COMPENSATION, summary: 'Confirm the label whose purchase went unanswered' }, [labelRequest(s, run)]);
    run.labelBought = true;
    if (label) run.label = label;
  }
  const label = run.label;
  if (!label) return;
  await acts.voidLabel.executeWithOptions({ ...COMPENSATION, summary: `Void label ${md(label.labelId)}` }, [
    { orderId: s.id, fulfillmentId: run.id, labelId: label.labelId, key: `${s.id}:${run.id}:label:void` },
  ]);
  run.label = undefined;
}

export async function restock(s: OrderState, run: FulfillmentRun): Promise<void> {
  const f = fulfillmentView(s, run);
  if (!run.committed) {
    // The commit's answer was lost: the same key replays it (or applies it), so the restock
    // below puts back exactly what the ledger shipped.
    await acts.commitStock.executeWithOptions({ ...COMPENSATION, summary: 'Confirm whether held units were committed' }, [
      { orderId: s.id, fulfillmentId: run.id, warehouseId: run.warehouseId, key: commitKey(s, run) },
    ]);
    run.committed = true;
  }
  const seq = ++s.seq.restock;
  await acts.restockOrder.executeWithOptions({ ...COMPENSATION, summary: `Put ${run.id}'s committed units back on hand` }, [
    { orderId: s.id, lines: f.lines, warehouseId: run.warehouseId, key: `${s.id}:${run.id}:restock:${seq}` },
  ]);
  run.committed = false;
}
