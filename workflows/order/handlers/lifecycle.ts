/** Support's cancel and retry: when they fit, and what a cancel request sets in motion. */
import { log } from '@temporalio/workflow';
import { INVALID_EVENT } from '../../../domain/failure-types';
import { cancelFits, retryFits } from '../../../domain/order-rules';
import type { CancelRequest } from '../messages';
import { invalidTransition, refusal } from '../failures';
import { cancelPending } from '../fulfillment/stops';
import { anyHandedOver, type CancelSource, type OrderState } from '../state';

/** Closing, or a cancel or a timeout is on its way: no message may promise a state the order will not reach. */
export const closingOrPending = (s: OrderState) => s.closing || cancelPending(s) || s.timedOut !== undefined;

/** Cancel is possible until a parcel has left, and not twice into a closing order. */
export const cancelPossible = (s: OrderState): boolean =>
  cancelFits(s.view.status, { handedOver: anyHandedOver(s), closing: (s.closing || s.timedOut !== undefined) && !s.cancelRequest });

export function requestCancel(s: OrderState, reason: string | undefined, source: CancelSource): void {
  if (s.cancelRequest) return;
  s.cancelRequest = { reason: reason?.trim() || 'cancelled', source };
  log.info('cancel requested', { orderId: s.id, status: s.view.status, source, reason: s.cancelRequest.reason });
}

export function validateCancel(s: OrderState, req: CancelRequest | undefined): void {
  if (req !== undefined && req !== null && req.reason !== undefined && typeof req.reason !== 'string') {
    throw refusal(INVALID_EVENT, 'cancel reason must be a string');
  }
  if (!cancelPossible(s)) throw invalidTransition('cancel', s.view.status, anyHandedOver(s) ? 'the order has shipped' : undefined);
}

export function validateRetry(s: OrderState): void {
  const retryPending = s.retrySeq !== s.retryHandled;
  if (!retryFits(s.view.status, { retryPending, closing: closingOrPending(s) })) {
    throw invalidTransition('retry', s.view.status, 'retry is accepted only in needs_attention');
  }
}
