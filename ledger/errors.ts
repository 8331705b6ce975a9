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

export function isLedgerError(err: unknown): err is LedgerError {
  return err instanceof LedgerError;
}
