import { createHash } from 'node:crypto';
import { LedgerError } from './errors';
import type { StoredResult } from './context';

/** Fingerprint of an operation and its (normalised) arguments, stored beside the key. */
export function requestHash(op: string, args: unknown): string {
  return createHash('sha256').update(JSON.stringify([op, args])).digest('hex');
}

/** A key seen before: the first result if the request is the same, else a conflict. */
export function replay<T>(key: string, op: string, hash: string, stored: StoredResult): T {
  if (stored.op !== op || stored.hash !== hash) {
    throw new LedgerError('IDEMPOTENCY_CONFLICT', `idempotency key ${key} was already used for a different request`, {
      key,
      op: stored.op,
    });
  }
  return stored.result as T;
}
