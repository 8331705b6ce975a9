/**
 * The order's messages: cancel, retry, events, holds, edits (Updates with validators, and
 * signals for the Temporal UI's "Send a Signal"), stockArrived, stockShortfall and the status query. Whether a
 * message fits is decided by domain/order-rules.ts; the handlers of each family (lifecycle.ts,
 * events.ts, holds.ts, edits.ts) only apply it and wait for its effect. This file installs them.
 */
import { CancellationScope, condition, log, patched, setHandler } from '@temporalio/workflow';
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
} from '../messages';
import type { ReleaseHoldRequest } from '../../../domain/types';
import { invalidTransition } from '../failures';
import { isTerminal } from '../../../domain/order-rules';
import type { OrderState } from '../state';
import { applyEdit, checkEdit } from './edits';
import { applyEvent, EARLY_EVENT_WAIT_MS, eventCheck, reflected, requestAnswered } from './events';
import { checkHold, checkRelease, placeHold, releaseHold } from './holds';
import { cancelPossible, closingOrPending, requestCancel, validateCancel, validateRetry } from './lifecycle';
import { applyShortfall } from './shortfall';

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
        let { run, fit } = eventCheck(s, event);
        // Either wait also ends when the order can no longer take the event.
        const movedOn = () => closingOrPending(s) || isTerminal(s.view.status);
        if (fit === 'early') {
          // Only an Update the workflow used to refuse takes this path, so no recorded history
          // meets its timer: no patch needed (the replay fixtures pass).
          await condition(() => requestAnswered(s, run) || movedOn(), EARLY_EVENT_WAIT_MS, { summary: 'early event' });
          ({ run, fit } = eventCheck(s, event));
          if (fit === 'early') throw invalidTransition(`event ${event.type}`, s.view.status, "the warehouse's answer to the pick request is not in yet");
        }
        if (fit === 'apply') applyEvent(run, event);
        await condition(() => reflected(s, run, event) || movedOn());
        if (reflected(s, run, event) && !['cancelled', 'timed_out'].includes(s.view.status)) return s.view;
        throw invalidTransition(`event ${event.type}`, s.view.status, 'the order moved on before the event took effect');
      }),
    { validator: (event) => void eventCheck(s, event) },
  );

  setHandler(holdUpdate, (req) => update(async () => placeHold(s, req)), { validator: (req) => void checkHold(s, req, () => true) });
  setHandler(holdSignal, (req) => signal('hold', () => checkHold(s, req, () => patched('hold-limit')), () => placeHold(s, req)));

  const release = (req: ReleaseHoldRequest) => {
    const hold = checkRelease(s, req);
    if (hold.releasedAt === undefined) releaseHold(s, hold, req.releasedBy ?? 'request');
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
