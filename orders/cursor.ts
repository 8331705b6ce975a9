/**
 * List cursors: the position after the last order of a page, (createdAt, orderId), signed
 * with HMAC-SHA256 and bound to the filters it was issued for. A client can pass a cursor
 * back but cannot make one up, so a cursor never turns into an unplanned query; anything
 * that is not exactly what we issued is refused before any SQL runs.
 *
 * Wire form: base64url(mac[16] || json), only [A-Za-z0-9_-], which the API's query schema
 * already admits. 16 bytes of MAC is ample for a token that only positions a read.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export class InvalidCursorError extends Error {
  readonly code = 'invalid_cursor';
  constructor(reason: string) {
    super(`invalid cursor: ${reason}`);
    this.name = 'InvalidCursorError';
  }
}

export interface CursorPosition {
  createdAt: Date;
  orderId: string;
}

export interface CursorCodec {
  encode(position: CursorPosition, filterKey: string): string;
  /** Throws InvalidCursorError for anything not issued by encode() with the same secret and filterKey. */
  decode(cursor: string, filterKey: string): CursorPosition;
}

const MAC_BYTES = 16;
const MAX_CURSOR_CHARS = 1024;
const MAX_ORDER_ID_CHARS = 256;

/** A short, stable digest of the filters, so a cursor is refused under other filters. */
export function filterKeyOf(filters: unknown): string {
  return createHash('sha256').update(JSON.stringify(filters), 'utf8').digest('base64url').slice(0, 16);
}

export function createCursorCodec(secret: string | Buffer): CursorCodec {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (key.length < 16) throw new RangeError('cursorSecret must be at least 16 bytes');
  const mac = (payload: Buffer): Buffer => createHmac('sha256', key).update(payload).digest().subarray(0, MAC_BYTES);

  return {
    encode({ createdAt, orderId }, filterKey) {
      const payload = Buffer.from(JSON.stringify({ t: createdAt.getTime(), id: orderId, f: filterKey }), 'utf8');
      return Buffer.concat([mac(payload), payload]).toString('base64url');
    },

    decode(cursor, filterKey) {
      if (cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError('malformed');
      const raw = Buffer.from(cursor, 'base64url');
      // Node's decoder skips junk silently; re-encoding tells a canonical token from a lookalike.
      if (raw.toString('base64url') !== cursor || raw.length <= MAC_BYTES) throw new InvalidCursorError('malformed');
      const payload = raw.subarray(MAC_BYTES);
      if (!timingSafeEqual(raw.subarray(0, MAC_BYTES), mac(payload))) throw new InvalidCursorError('not issued by this server');
      let parsed: unknown;
      try {
        parsed = JSON.parse(payload.toString('utf8'));
      } catch {
        throw new InvalidCursorError('malformed');
      }
      const { t, id, f } = (parsed ?? {}) as { t?: unknown; id?: unknown; f?: unknown };
      if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0 || Number.isNaN(new Date(t).getTime())) throw new InvalidCursorError('malformed');
      if (typeof id !== 'string' || id === '' || id.length > MAX_ORDER_ID_CHARS) throw new InvalidCursorError('malformed');
      if (f !== filterKey) throw new InvalidCursorError('issued for other filters');
      return { createdAt: new Date(t), orderId: id };
    },
  };
}
