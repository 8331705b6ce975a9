import { ApplicationFailure } from '@temporalio/common';
import { isLedgerError } from '../ledger/errors';
import { ADAPTER_REJECTED } from '../domain/failure-types';
import { AdapterRejectedError } from './adapters/types';

/**
 * Business errors become non-retryable ApplicationFailures typed with their code (the
 * workflow parks the order or rejects it); anything else is rethrown as is and retried
 * with backoff by the activity's retry policy (database down, network…).
 */
export function asActivityFailure(err: unknown): unknown {
  if (isLedgerError(err)) {
    return ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: true, cause: err });
  }
  if (err instanceof AdapterRejectedError) {
    return ApplicationFailure.create({ type: ADAPTER_REJECTED, message: err.message, nonRetryable: true });
  }
  return err;
}

export async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asActivityFailure(err);
  }
}
