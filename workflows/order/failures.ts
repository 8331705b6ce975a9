/** Turning activity failures into the order's `lastError`, and refusals into ApplicationFailures. */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';
import { INVALID_TRANSITION } from './messages';
import type { OrderError, OrderStatus } from '../../domain/types';
import { nowIso } from './state';

function rootCause(err: unknown): unknown {
  let cause: unknown = err;
  while (cause instanceof ActivityFailure && cause.cause) cause = cause.cause;
  return cause;
}

/** Why a step failed: its ApplicationFailure type and message when there is one. */
export function describeFailure(step: string, err: unknown): OrderError {
  const cause = rootCause(err);
  const type = cause instanceof ApplicationFailure ? (cause.type ?? undefined) : (cause as Error)?.name;
  const message = cause instanceof Error ? cause.message : String(cause);
  return { step, type, message, at: nowIso() };
}

export function failureType(err: unknown): string | undefined {
  const cause = rootCause(err);
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

/** The activity cannot finish within its schedule-to-close time (ran out, or the server stopped retrying for lack of it). */
export const outOfTime = (err: unknown): boolean => err instanceof ActivityFailure && err.retryState === RetryState.TIMEOUT;

export function invalidTransition(what: string, status: OrderStatus, why?: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: INVALID_TRANSITION,
    message: `${what} does not fit an order that is ${status}${why ? `: ${why}` : ''}`,
    details: [{ status }],
    nonRetryable: true,
  });
}

export function refusal(type: string, message: string, details?: unknown): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, ...(details === undefined ? {} : { details: [details] }) });
}

/** A step that failed for good: the order parks in needs_attention with it. */
export class StepFailed extends Error {
  constructor(readonly error: OrderError) {
    super(error.message);
  }
}
