import { ApplicationFailure } from '@temporalio/common';
import { LedgerError } from '../ledger/errors';
import type { LedgerErrorCode } from '../ledger/types';
import { ADAPTER_REJECTED, LEDGER_ERROR_CODES } from '../domain/failure-types';
import { AdapterRejectedError } from './adapters/types';

/** A LedgerError (also one from another copy of the module, recognised by name and code). */
export function isLedgerError(err: unknown): err is Error & { code: LedgerErrorCode } {
  if (err instanceof LedgerError) return true;
  const e = err as { name?: unknown; code?: unknown } | null;
  return (
    err instanceof Error && e?.name === 'LedgerError' && typeof e.code === 'string' && (LEDGER_ERROR_CODES as readonly string[]).includes(e.code)
  );
}

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
