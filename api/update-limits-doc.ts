/**
 * The answers every route that runs a Workflow Update may give for Temporal's per-workflow
 * limits (api/temporal-limits.ts), declared once so the OpenAPI document lists them all.
 */
import type { ResponseDoc } from './route';

export const UPDATE_LIMIT_RESPONSES: Record<number, ResponseDoc> = {
  429: {
    description:
      'Temporal throttled the request: too many requests in progress for this order (`too_many_updates`) or a rate limit (`rate_limited`); `Retry-After` says when to try again',
  },
};

/** Appended to a route's 409 description. */
export const UPDATE_LIMIT_409 = '; or the order reached a Temporal limit for its lifetime, e.g. its total number of Updates (`order_limit_reached`)';
