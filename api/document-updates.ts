/**
 * Sending a stock document's step to its workflow (docs/design.md §15), the way returns do:
 * an Update with an id derived from the request (a re-send while the first is in flight
 * joins it), a lost workflow start repaired by starting it again, and the workflow's
 * refusals mapped onto HTTP answers. The record decides everything it can before this.
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { INVALID_TRANSITION } from '../workflows/order/messages';
import { OVER_RECEIPT, RECEIPT_CONFLICT } from '../workflows/purchase-order/messages';
import { canonicalHash } from './canonical';
import { ApiError, serviceUnavailable } from './errors';
import { isAbortedWithWorkflowTask, isTemporalUnavailable } from './temporal-errors';

export interface DocumentUpdateOptions {
  client: Client;
  rpcTimeoutMs: number;
  updateTimeoutMs: number;
}

/** A document id from the Idempotency-Key when given, so a re-sent POST names the same document. */
export function documentIdFor(prefix: string, key: string | undefined, random: () => string): string {
  if (key === undefined) return `${prefix}-${random()}`;
  return `${prefix}-${createHash('sha256').update(`${prefix}\0${key}`).digest('hex').slice(0, 16)}`;
}

export const requestHashOf = (body: unknown): string => canonicalHash(body);

/** Starts the workflow; already started (or run before) is fine. */
export async function startOnce(o: DocumentUpdateOptions, what: string, start: () => Promise<unknown>): Promise<void> {
  try {
    await o.client.connection.withDeadline(Date.now() + o.rpcTimeoutMs, start);
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return;
    if (isTemporalUnavailable(err)) throw serviceUnavailable(`${what} is recorded but its workflow could not be started; send the request again`, {});
    throw err;
  }
}

export interface Refusals {
  /** The document as stored now, to answer a refusal with its status. */
  current: () => Promise<{ status: string }>;
  what: string;
}

/** Executes the Update; WorkflowNotFound (start lost, or deleted while the record is open) starts it again. */
export async function executeDocumentUpdate<R, A extends [unknown]>(
  o: DocumentUpdateOptions,
  workflowId: string,
  update: UpdateDefinition<R, A>,
  args: A,
  updateId: string,
  start: () => Promise<void>,
  refusals: Refusals,
): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    try {
      const handle = o.client.workflow.getHandle(workflowId);
      return await o.client.connection.withDeadline(Date.now() + o.updateTimeoutMs, () => handle.executeUpdate(update, { args, updateId }));
    } catch (err) {
      if (attempt < 3 && isAbortedWithWorkflowTask(err)) continue;
      if (attempt < 3 && err instanceof WorkflowNotFoundError) {
        await start();
        continue;
      }
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) throw await refusalOf(err.cause, refusals);
      if (err instanceof WorkflowNotFoundError) {
        const now = await refusals.current();
        throw new ApiError(409, 'invalid_transition', `${refusals.what} is ${now.status}`, { status: now.status });
      }
      if (isTemporalUnavailable(err)) throw serviceUnavailable(`${refusals.what} did not answer within ${o.updateTimeoutMs} ms (are workers running?); the request may still take effect`, {});
      throw err;
    }
  }
}

async function refusalOf(f: ApplicationFailure, refusals: Refusals): Promise<ApiError> {
  const details = (f.details?.[0] ?? {}) as Record<string, unknown>;
  switch (f.type) {
    case INVALID_TRANSITION: {
      const now = await refusals.current();
      return new ApiError(409, 'invalid_transition', `${refusals.what} is ${now.status}`, { status: now.status });
    }
    case OVER_RECEIPT:
      return new ApiError(422, 'over_receipt', f.message, details);
    case RECEIPT_CONFLICT:
      return new ApiError(409, 'receipt_conflict', f.message);
    case 'UNKNOWN_WAREHOUSE':
      return new ApiError(422, 'unknown_warehouse', f.message);
    case 'UNKNOWN_SKU':
      return new ApiError(422, 'unknown_sku', f.message);
    default:
      return new ApiError(422, 'refused', f.message, { type: f.type });
  }
}
