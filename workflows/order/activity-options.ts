/** Timeouts and retries of the order's activities, and the proxies built from them. */
import {
  ActivityCancellationType,
  proxyActivities,
  proxyLocalActivities,
  type ActivityOptions,
  type LocalActivityOptions,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { OrderActivities } from '../../activities/order-activities';
import { NON_RETRYABLE_TYPES } from '../../domain/failure-types';

/** Infra errors (database, network, worker crash) retry with backoff; after this the step fails for good → needs_attention. */
const STEP_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 8,
  nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES],
};
/** Compensations must happen: retry until they do (a business error still stops them). */
const COMPENSATION_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '60s',
  nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES],
};

/**
 * A warehouse or carrier call is an HTTP request; 30 s bounds one attempt and is how long an
 * order waits to be picked up again when the worker running the call dies. Retries use the
 * same key, so a slow call that did land is not repeated.
 */
export const ADAPTER: ActivityOptions = { startToCloseTimeout: '30s', retry: STEP_RETRY };
/**
 * A message to a warehouse or the carrier is retried under its one webhook-id until the step's
 * deadline (docs/design.md §10), not for a fixed number of attempts: a peer that is down for a
 * few minutes, or answers 500 to a share of requests, must not park orders in needs_attention
 * while the order could still be served in time. Past the deadline the step fails for good.
 * Infinity drops the attempt limit the proxy's policy would otherwise lend (the SDK deep-merges).
 */
export function peerCall(deadlineMs: number, summary: string): ActivityOptions {
  return { ...ADAPTER, scheduleToCloseTimeout: deadlineMs, retry: { ...STEP_RETRY, maximumAttempts: Number.POSITIVE_INFINITY }, summary };
}
/** Physical waits (simulated delays): heartbeat; TRY_CANCEL since they have no side effects. */
export const WAIT: ActivityOptions = {
  startToCloseTimeout: '30d',
  heartbeatTimeout: '30s',
  cancellationType: ActivityCancellationType.TRY_CANCEL,
  retry: STEP_RETRY,
};
export const COMPENSATION: ActivityOptions = { startToCloseTimeout: '1m', retry: COMPENSATION_RETRY };

/**
 * Forward ledger steps (validate, reserve, commit, edits) touch only our own database and take
 * milliseconds: local activities, so they cost no activity task round trip through the server
 * and several share one workflow task. A local activity keeps the workflow task open, and
 * queries and Updates wait for it: an attempt is short (5 s) and every retry waits on a server
 * timer (localRetryThreshold 0.5 s, below the first backoff of 1 s), which closes the task in
 * between, so GET /orders/:id and cancel get through during a database outage.
 */
export const LOCAL_LEDGER: LocalActivityOptions = { startToCloseTimeout: '5s', localRetryThreshold: '500ms', retry: STEP_RETRY };

export const acts = proxyActivities<OrderActivities>(ADAPTER);
export const localActs = proxyLocalActivities<OrderActivities>(LOCAL_LEDGER);
