/**
 * A list cursor is Temporal's nextPageToken, base64url, behind a version byte and 8 bytes
 * of the query's hash: a cursor from other filters, or a made-up one, is refused with 400
 * before it reaches Temporal (which stalls on tokens it cannot decode).
 */
import { createHash } from 'node:crypto';
import { ApiError } from './errors';

const CURSOR_VERSION = 1;
const queryTag = (query: string): Buffer => createHash('sha256').update(query).digest().subarray(0, 8);

export const invalidCursor = (): ApiError =>
  new ApiError(400, 'invalid_cursor', 'cursor is not valid: pass the nextCursor of a previous page, with the same filters');

export function encodeCursor(query: string, token: Uint8Array | null | undefined): string | undefined {
  if (!token || token.length === 0) return undefined;
  return Buffer.concat([Buffer.from([CURSOR_VERSION]), queryTag(query), Buffer.from(token)]).toString('base64url');
}

export function decodeCursor(query: string, cursor: string): Buffer {
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length > 9 && raw[0] === CURSOR_VERSION && raw.subarray(1, 9).equals(queryTag(query))) return raw.subarray(9);
  throw invalidCursor();
}
