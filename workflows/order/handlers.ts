/**
 * The order's messages: cancel, retry, events, holds, edits (Updates with validators, and
 * signals for the Temporal UI's "Send a Signal"), stockArrived and the status query. Whether a
 * message fits is decided by rules.ts; handlers only apply it and wait for its effect.
 */
import { CancellationScope, condition, log, setHandler } from '@temporalio/workflow';
import { FULFILLMENT_REQUIRED, INVALID_EDIT, INVALID_EVENT, UNKNOWN_FULFILLMENT, UNKNOWN_HOLD } from '../failure-types';
import {
  cancelSignal,
  cancelUpdate,
  editUpdate,
  eventUpdate,
  holdSignal,
  holdUpdate,
  releaseHoldSignal,
  releaseHoldUpdate,
  retrySignal,
  retryUpdate,
  statusQuery,
  stockArrivedSignal,
  stockShortfallSignal,
  type CancelRequest,
} from '../messages';
import { HOLD_REASONS, type EditRequest, type Hold, type HoldRequest, type OrderEvent, type ReleaseHoldRequest } from '../types';
import { invalidTransition, refusal } from './failures';
import { cancelPending, holdStops } from './fulfillment-stops';
import { amendLines } from './ledger-steps';
import { cancelFits, editFits, eventFit, holdFits, isTerminal, releaseFits, retryFits, type EventStage } from './rules';
import { anyHandedOver, fulfillmentView, liveRuns, nowIso, type CancelSource, type FulfillmentRun, type OrderState } from './state';
import { refresh } from './visibility';
import { applyShortfall } from './shortfall';

const closingOrPending = (s: OrderState) => s.closing || cancelPending(s) || s.timedOut !== undefined;

/** Cancel is possible until a parcel has left, and not twice into a closing order. */
export const cancelPossible = (s: OrderState): boolean =>
  cancelFits(s.view.status, { handedOver: anyHandedOver(s), closing: (s.closing || s.timedOut !== undefined) && !s.cancelRequest });

export function requestCancel(s: OrderState, reason: string | undefined, source: CancelSource): void {
  if (s.cancelRequest) return;
  s.cancelRequest = { reason: reason?.trim() || 'cancelled', source };
  log.info('cancel requested', { orderId: s.id, status: s.view.status, source, reason: s.cancelRequest.reason });
}

function validateCancel(s: OrderState, req: CancelRequest | undefined): void {
  if (req !== undefined && req !== null && req.reason !== undefined && typeof req.reason !== 'string') {
    throw refusal(INVALID_EVENT, 'cancel reason must be a string');
  }
  if (!cancelPossible(s)) throw invalidTransition('cancel', s.view.status, anyHandedOver(s) ? 'the order has shipped' : undefined);
}

function validateRetry(s: OrderState): void {
  const retryPending = s.retrySeq !== s.retryHandled;
  if (!retryFits(s.view.status, { retryPending, closing: closingOrPending(s) })) {
    throw invalidTransition('retry', s.view.status, 'retry is accepted only in needs_attention');
  }
}

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

function eventCheck(s: OrderState, event: OrderEvent): { run: FulfillmentRun; fit: 'apply' | 'repeat' } {
  checkEventPayload(event);
  const run = targetOf(s, event);
  const fit = eventFit(event.type, stageOf(s, run), { closing: closingOrPending(s) });
  if (fit === 'refuse') throw invalidTransition(`event ${event.type}`, s.view.status);
  return { run, fit };
}

function applyEvent(run: FulfillmentRun, event: OrderEvent): void {
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
function reflected(s: OrderState, run: FulfillmentRun, event: OrderEvent): boolean {
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

function checkHold(s: OrderState, req: HoldRequest): Hold | undefined {
  if (!req || typeof req.holdId !== 'string' || req.holdId === '') throw refusal(INVALID_EVENT, 'a hold needs a holdId');
  const existing = s.view.holds.find((h) => h.holdId === req.holdId);
  if (existing) return existing;
  if (!HOLD_REASONS.includes(req.reason)) throw refusal(INVALID_EVENT, `hold reason must be one of ${HOLD_REASONS.join(', ')}`);
  if (req.until !== undefined && Number.isNaN(Date.parse(req.until))) throw refusal(INVALID_EVENT, 'until must be an ISO date-time');
  if (!holdFits(s.view.status, { closing: closingOrPending(s) })) throw invalidTransition('hold', s.view.status, 'holds are accepted before shipping');
  return undefined;
}

function placeHold(s: OrderState, req: HoldRequest): Hold {
  const existing = checkHold(s, req);
  if (existing) return existing;
  const hold: Hold = { holdId: req.holdId, reason: req.reason, placedAt: nowIso(), ...(req.note ? { note: req.note } : {}), ...(req.until ? { until: req.until } : {}) };
  s.view.holds.push(hold);
  refresh(s, `hold ${hold.reason} placed${hold.note ? `: ${hold.note}` : ''}`);
  if (hold.until !== undefined) void releaseAtUntil(s, hold);
  return hold;
}

/** A hold with `until` releases itself then (a durable timer; a release by hand ends it sooner). */
async function releaseAtUntil(s: OrderState, hold: Hold): Promise<void> {
  const ms = Date.parse(hold.until!) - Date.now();
  if (ms > 0) await condition(() => hold.releasedAt !== undefined || isTerminal(s.view.status), ms, { summary: `hold ${hold.reason} until` });
  if (hold.releasedAt === undefined && !isTerminal(s.view.status)) releaseHold(s, hold, 'until');
}

function releaseHold(s: OrderState, hold: Hold, by: 'request' | 'until'): void {
  hold.releasedAt = nowIso();
  hold.releasedBy = by;
  refresh(s, `hold ${hold.reason} released${by === 'until' ? ' (until reached)' : ''}`);
}

function checkRelease(s: OrderState, req: ReleaseHoldRequest): Hold {
  const hold = s.view.holds.find((h) => h.holdId === req?.holdId);
  if (!hold) throw refusal(UNKNOWN_HOLD, `order ${s.id} has no hold ${String(req?.holdId)}`, { holdId: req?.holdId });
  if (hold.releasedAt === undefined && !releaseFits(s.view.status, { closing: s.closing })) throw invalidTransition('release', s.view.status);
  return hold;
}

const taskOpen = (r: FulfillmentRun) => r.taskOpen || r.createPending || (r.running && ['request', 'pick', 'pack'].includes(r.step));
const pickTaskOpen = (s: OrderState) => s.runs.some(taskOpen);
/** A pick task that stays open: one a hold is not already cancelling. */
const pickTaskStaysOpen = (s: OrderState) => s.runs.some((r) => taskOpen(r) && !holdStops(s, r));

function checkEdit(s: OrderState, req: EditRequest): void {
  if (!req || (req.lines === undefined && req.shippingAddress === undefined && req.shippingMethod === undefined)) {
    throw refusal(INVALID_EDIT, 'an edit needs lines, shippingAddress or shippingMethod');
  }
  if (req.lines !== undefined) {
    if (!Array.isArray(req.lines) || req.lines.length === 0) throw refusal(INVALID_EDIT, 'lines never become empty: cancel the order instead');
    for (const l of req.lines) {
      if (typeof l?.sku !== 'string' || !Number.isInteger(l.quantity) || l.quantity <= 0) throw refusal(INVALID_EDIT, 'every line needs a sku and a positive integer quantity');
    }
  }
  if (!editFits(s.view.status, { pickTaskOpen: pickTaskStaysOpen(s), closing: closingOrPending(s) })) {
    throw invalidTransition('edit', s.view.status, pickTaskStaysOpen(s) ? 'a pick task is open (place a hold first)' : 'edits are accepted before picking');
  }
}

async function applyEdit(s: OrderState, req: EditRequest) {
  s.editing++;
  try {
    // The reservation's answer decides what an edit changes; a hold just placed is still
    // cancelling the pick tasks at the warehouses.
    await condition(() => ((s.reserveDone || s.orderFailure !== undefined) && !pickTaskOpen(s)) || isTerminal(s.view.status) || s.closing || pickTaskStaysOpen(s));
    if (!s.reserveDone || s.closing || cancelPending(s) || pickTaskOpen(s)) {
      throw invalidTransition('edit', s.view.status, 'the order moved on before the edit took effect');
    }
    const changed: string[] = [];
    if (req.lines) {
      await amendLines(s, req.lines);
      s.view.lines = req.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
      changed.push('lines');
    }
    if (req.shippingAddress) {
      s.view.shippingAddress = req.shippingAddress;
      changed.push('address');
    }
    if (req.shippingMethod) {
      s.view.shippingMethod = req.shippingMethod;
      changed.push('method');
    }
    s.view.edits++;
    refresh(s, `edit ${s.view.edits}: ${changed.join(', ')}`);
    return s.view;
  } finally {
    s.editing--;
  }
}

export function installHandlers(s: OrderState): void {
  setHandler(statusQuery, () => s.view);

  // Handlers run in the root scope: once the workflow was asked to cancel (and ignored it,
  // e.g. after shipping) their waits must not be cancelled with it.
  const update = <T>(fn: () => Promise<T>) =>
    CancellationScope.nonCancellable(async () => {
      s.updateSeen = true;
      return fn();
    });
  const signal = (what: string, check: () => void, apply: () => void) => {
    try {
      check();
    } catch (err) {
      log.warn(`${what} signal ignored`, { orderId: s.id, status: s.view.status, reason: (err as Error).message });
      return;
    }
    apply();
  };

  setHandler(
    cancelUpdate,
    (req) =>
      update(async () => {
        requestCancel(s, req?.reason, 'update');
        await condition(() => isTerminal(s.view.status) || !cancelPossible(s));
        if (s.view.status === 'cancelled') return s.view;
        throw invalidTransition('cancel', s.view.status, 'the order moved on before the cancel took effect');
      }),
    { validator: (req) => validateCancel(s, req) },
  );
  setHandler(cancelSignal, (req) => signal('cancel', () => validateCancel(s, req), () => requestCancel(s, req?.reason, 'signal')));

  const retry = () => {
    s.retrySeq++;
  };
  setHandler(
    retryUpdate,
    () =>
      update(async () => {
        retry();
        await condition(() => s.view.status !== 'needs_attention' || s.retryHandled === s.retrySeq);
        return s.view;
      }),
    { validator: () => validateRetry(s) },
  );
  setHandler(retrySignal, () => signal('retry', () => validateRetry(s), retry));

  setHandler(
    eventUpdate,
    (event) =>
      update(async () => {
        const { run, fit } = eventCheck(s, event);
        if (fit === 'apply') applyEvent(run, event);
        await condition(() => reflected(s, run, event) || closingOrPending(s) || isTerminal(s.view.status));
        if (reflected(s, run, event) && !['cancelled', 'timed_out'].includes(s.view.status)) return s.view;
        throw invalidTransition(`event ${event.type}`, s.view.status, 'the order moved on before the event took effect');
      }),
    { validator: (event) => void eventCheck(s, event) },
  );

  setHandler(holdUpdate, (req) => update(async () => placeHold(s, req)), { validator: (req) => void checkHold(s, req) });
  setHandler(holdSignal, (req) => signal('hold', () => checkHold(s, req), () => placeHold(s, req)));

  const release = (req: ReleaseHoldRequest) => {
    const hold = checkRelease(s, req);
    if (hold.releasedAt === undefined) releaseHold(s, hold, 'request');
    return s.view;
  };
  setHandler(releaseHoldUpdate, (req) => update(async () => release(req)), { validator: (req) => void checkRelease(s, req) });
  setHandler(releaseHoldSignal, (req) => signal('releaseHold', () => checkRelease(s, req), () => release(req)));

  setHandler(editUpdate, (req) => update(() => applyEdit(s, req)), { validator: (req) => checkEdit(s, req) });

  setHandler(stockArrivedSignal, (arrival) => {
    if (s.view.backordered.length === 0) return;
    if (arrival?.sku && !s.view.backordered.some((l) => l.sku === arrival.sku)) return;
    s.stockCheckRequested = true;
  });
  setHandler(stockShortfallSignal, (sf) => applyShortfall(s, sf));
}

