/** The order workflow's refusals of an Update (ApplicationFailure types) as the HTTP answers of docs/design.md §6. */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FULFILLMENT_REQUIRED, INVALID_EDIT, INVALID_EVENT, TOO_MANY_HOLDS, UNKNOWN_FULFILLMENT, UNKNOWN_HOLD } from '../domain/failure-types';
import { INVALID_TRANSITION } from '../workflows/order/messages';
import type { OrderStatus } from '../domain/types';
import { ApiError } from './errors';

/** The workflow's refusal of an Update, as the HTTP answer docs/design.md §6 gives it; undefined for anything else. */
export function updateRefusal(err: unknown, orderId: string): ApiError | undefined {
  if (!(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure)) return undefined;
  const failure = err.cause;
  switch (failure.type) {
    case INVALID_TRANSITION: {
      const status = (failure.details?.[0] as { status?: OrderStatus } | undefined)?.status;
      return new ApiError(409, 'invalid_transition', failure.message, { orderId, status }, { orderId, status });
    }
    case INVALID_EVENT:
      return new ApiError(422, 'invalid_event', failure.message, { orderId });
    case INVALID_EDIT:
      return new ApiError(422, 'invalid_edit', failure.message, { orderId, ...detailsObject(failure) });
    case FULFILLMENT_REQUIRED:
      return new ApiError(422, 'fulfillment_required', failure.message, { orderId, ...detailsObject(failure) });
    case UNKNOWN_FULFILLMENT:
      return new ApiError(422, 'unknown_fulfillment', failure.message, { orderId, ...detailsObject(failure) });
    case TOO_MANY_HOLDS:
      return new ApiError(409, 'too_many_holds', failure.message, { orderId, ...detailsObject(failure) });
    case UNKNOWN_HOLD:
      return new ApiError(404, 'hold_not_found', failure.message, { orderId, ...detailsObject(failure) });
    // An edit naming a SKU the catalog lacks: the ledger's refusal, passed through by the workflow.
    case 'UNKNOWN_SKU':
      return new ApiError(422, 'unknown_sku', failure.message, { orderId, ...detailsObject(failure) });
    default:
      return undefined;
  }
}

const detailsObject = (failure: ApplicationFailure): Record<string, unknown> => {
  const first = failure.details?.[0];
  return typeof first === 'object' && first !== null && !Array.isArray(first) ? (first as Record<string, unknown>) : {};
};
