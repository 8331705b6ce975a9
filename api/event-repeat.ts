/**
 * A warehouse that re-sends an event (a retrying client, a storm after a timeout) would cost
 * the order one Workflow Update per copy, and Temporal caps the Updates a run may take in its
 * lifetime (history.maxTotalUpdates) and in flight (history.maxInFlightUpdates). A repeat can
 * be told from the order's record alone, with the same table the workflow uses
 * (domain/order-rules.ts), so it is answered there and never reaches Temporal. Pure.
 */
import type { OrderEvent, OrderView } from '../domain/types';
import { eventFit, isTerminal, type EventStage } from '../domain/order-rules';

type FulfillmentView = OrderView['fulfillments'][number];

const isLive = (f: FulfillmentView) => f.status !== 'cancelled' && f.status !== 'rejected';

/** The fulfillment an event is for, as the workflow's targetOf picks it: named, or the only live one. */
export function eventTarget(view: OrderView, event: Pick<OrderEvent, 'fulfillmentId'>): FulfillmentView | undefined {
  if (event.fulfillmentId !== undefined) return view.fulfillments.find((f) => f.fulfillmentId === event.fulfillmentId);
  const live = view.fulfillments.filter(isLive);
  return live.length === 1 ? live[0] : undefined;
}

/** The stage of a fulfillment as the workflow's stageOf computes it, from what the record shows. */
export function stageOnRecord(view: OrderView, f: FulfillmentView): EventStage {
  const failedHere = view.status === 'needs_attention' && view.failedFulfillmentId === f.fulfillmentId;
  if (failedHere && view.failedStep === 'deliver') return 'delivery_overdue';
  if (failedHere && view.failedStep === 'pick' && f.status === 'picking') return 'pick_failed';
  return f.status;
}

/**
 * True when the record shows the event already happened: the answer is the record's view.
 * Anything else (a first event, a refusal, an unknown or ambiguous fulfillment, a closed
 * order) goes to the workflow, which alone knows about a pending cancel and answers refusals
 * with their reasons.
 */
export function isRepeatOnRecord(view: OrderView, event: OrderEvent): boolean {
  if (isTerminal(view.status)) return false;
  const target = eventTarget(view, event);
  if (!target) return false;
  return eventFit(event.type, stageOnRecord(view, target), { closing: false }) === 'repeat';
}
