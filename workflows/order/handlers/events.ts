/** Warehouse and carrier events: their payload, the fulfillment they are for, whether they fit, and when their effect shows. */
import { FULFILLMENT_REQUIRED, INVALID_EVENT, UNKNOWN_FULFILLMENT } from '../../../domain/failure-types';
import { eventFit, type EventStage } from '../../../domain/order-rules';
import type { OrderEvent } from '../../../domain/types';
import { invalidTransition, refusal } from '../failures';
import { fulfillmentView, liveRuns, type FulfillmentRun, type OrderState } from '../state';
import { closingOrPending } from './lifecycle';

function stageOf(s: OrderState, run: FulfillmentRun): EventStage {
  const status = fulfillmentView(s, run).status;
  if (run.failure?.step === 'deliver') return 'delivery_overdue';
  if (status === 'picking' && run.pickFailure !== undefined) return 'pick_failed';
  return status;
}

function checkEventPayload(event: OrderEvent): void {
  const text = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  switch (event?.type) {
    case 'picked':
    case 'packed':
    case 'delivered':
      return;
    case 'pick_failed':
    case 'rejected':
      if (!text(event.reason)) throw refusal(INVALID_EVENT, `${event.type} needs a reason`);
      return;
    case 'shipped':
      if (!text(event.carrier) || !text(event.trackingNumber)) throw refusal(INVALID_EVENT, 'shipped needs carrier and trackingNumber');
      return;
    default:
      throw refusal(INVALID_EVENT, `unknown event type ${JSON.stringify((event as { type?: unknown })?.type)}`);
  }
}

/** The fulfillment an event is for: named, or the only live one. */
function targetOf(s: OrderState, event: OrderEvent): FulfillmentRun {
  if (event.fulfillmentId !== undefined) {
    const run = s.runs.find((r) => r.id === event.fulfillmentId);
    if (!run) throw refusal(UNKNOWN_FULFILLMENT, `order ${s.id} has no fulfillment ${event.fulfillmentId}`, { fulfillmentId: event.fulfillmentId });
    return run;
  }
  const live = liveRuns(s);
  if (live.length === 1) return live[0];
  if (live.length === 0) throw invalidTransition(`event ${event.type}`, s.view.status, 'no fulfillment is open');
  throw refusal(FULFILLMENT_REQUIRED, `order ${s.id} has ${live.length} active fulfillments: name one in fulfillmentId`, {
    fulfillmentIds: live.map((r) => r.id),
  });
}

/** How long an early event (domain/order-rules.ts) waits for the warehouse's answer to the pick request to be taken. */
export const EARLY_EVENT_WAIT_MS = 10_000;

/** The workflow has taken the warehouse's answer to the pick request (or the fulfillment went on without one). */
export const requestAnswered = (s: OrderState, run: FulfillmentRun): boolean => stageOf(s, run) !== 'requested';

export function eventCheck(s: OrderState, event: OrderEvent): { run: FulfillmentRun; fit: 'apply' | 'repeat' | 'early' } {
  checkEventPayload(event);
  const run = targetOf(s, event);
  const fit = eventFit(event.type, stageOf(s, run), { closing: closingOrPending(s) });
  if (fit === 'refuse') throw invalidTransition(`event ${event.type}`, s.view.status);
  return { run, fit };
}

export function applyEvent(run: FulfillmentRun, event: OrderEvent): void {
  switch (event.type) {
    case 'picked':
      run.picked = true;
      break;
    case 'pick_failed':
      run.pickFailure = event.reason;
      break;
    case 'packed':
      run.packed = true;
      break;
    case 'shipped':
      run.pendingShipment = { carrier: event.carrier, trackingNumber: event.trackingNumber };
      break;
    case 'delivered':
      run.delivered = true;
      break;
    case 'rejected':
      run.rejection = event.reason;
      break;
  }
}

/** The event's effect is in the order's state for good. */
export function reflected(s: OrderState, run: FulfillmentRun, event: OrderEvent): boolean {
  const f = fulfillmentView(s, run);
  switch (event.type) {
    case 'picked':
      return !['request', 'pick'].includes(run.step) || f.status === 'packing';
    case 'pick_failed':
      return run.failure !== undefined;
    case 'packed':
      return ['commit', 'pickup', 'deliver', 'done', 'label'].includes(run.step);
    case 'shipped':
      return run.handedOver;
    case 'delivered':
      return f.status === 'delivered';
    case 'rejected':
      return f.status === 'rejected';
  }
}
