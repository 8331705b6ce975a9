/** The order workflow's refusals of an Update (ApplicationFailure types) as the HTTP answers of DESIGN §6. */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { INVALID_EVENT } from '../workflows/failure-types';
import { INVALID_TRANSITION } from '../workflows/messages';
import type { OrderStatus } from '../workflows/types';
import { ApiError } from './errors';

/** The workflow's refusal of an Update, as the HTTP answer DESIGN §6 gives it; undefined for anything else. */
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
    default:
      return undefined;
  }
}
