/**
 * The one identifier rule of the API: order ids, SKU codes, warehouse ids and Idempotency-Key
 * headers all end up inside a workflow id, a URL path segment, a visibility query and a ledger
 * key, so they share one pattern.
 */
import type { Request } from 'express';
import { validationFailed } from './errors';

const ID_BODY = '[A-Za-z0-9][A-Za-z0-9._-]{0,63}';
export const ID_PATTERN = new RegExp(`^${ID_BODY}$`);
/** Several ids separated by commas (a query parameter). */
export const ID_LIST_PATTERN = new RegExp(`^${ID_BODY}(,${ID_BODY})*$`);
export const ID_RULE = '1-64 characters: letters, digits, ".", "_" or "-", starting with a letter or digit';

/** The request's Idempotency-Key header, checked against ID_PATTERN (400 otherwise); undefined when absent. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key !== undefined && !ID_PATTERN.test(key)) {
    throw validationFailed([{ in: 'header', path: 'Idempotency-Key', message: `must be ${ID_RULE}`, code: 'invalid_format' }]);
  }
  return key;
}
