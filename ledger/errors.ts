import { LEDGER_ERROR_CODES } from '../domain/failure-types';
import type { LedgerErrorCode } from './types';

/** A refusal the caller can act on (bad input, unknown ids, not enough stock). */
export class LedgerError extends Error {
  readonly code: LedgerErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: LedgerErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'LedgerError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

/** A LedgerError (also one from another copy of the module, recognised by name and code). */
export function isLedgerError(err: unknown): err is LedgerError {
  if (err instanceof LedgerError) return true;
  const e = err as { name?: unknown; code?: unknown } | null;
  return (
    err instanceof Error && e?.name === 'LedgerError' && typeof e.code === 'string' && (LEDGER_ERROR_CODES as readonly string[]).includes(e.code)
  );
}
