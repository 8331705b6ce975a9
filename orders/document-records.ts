/**
 * What the purchase-order and transfer records share (docs/design.md §15): a row per document
 * holding its whole view as jsonb, changed under the row's lock in one transaction with the
 * ledger write and the webhook events of the step; lists newest first with a signed keyset
 * cursor (the orders' codec, so a cursor of one list is refused by another's filters).
 */
import type { Knex } from 'knex';
import { filterKeyOf, type CursorCodec } from './cursor';

export interface DocumentEvent {
  type: string;
  data: Record<string, unknown>;
  /** Derived from what happened, so a retried step emits once. */
  id: string;
}

/** Emits webhook events in the caller's transaction (app/stock-motion-records.ts wires the outbox). */
export type EmitDocumentEvents = (trx: Knex.Transaction, events: DocumentEvent[]) => Promise<void>;

export const MAX_DOCUMENT_PAGE = 200;

export interface DocumentTable {
  table: string;
  idColumn: string;
}

/** A change decided under the lock: `next` is written (with its events) unless absent. */
export interface DocumentChange<V, R> {
  next?: V;
  events?: DocumentEvent[];
  result: R;
}

export async function mutateDocument<V, R>(
  knex: Knex,
  t: DocumentTable,
  id: string,
  change: (view: V, trx: Knex.Transaction) => Promise<DocumentChange<V, R>>,
  write: (trx: Knex.Transaction, next: V) => Promise<void>,
  emit: EmitDocumentEvents | undefined,
): Promise<{ found: false } | { found: true; result: R; changed: boolean }> {
  return knex.transaction(async (trx) => {
    const row = (await trx(t.table).where(t.idColumn, id).forUpdate().first('view', 'version')) as { view: V; version: number } | undefined;
    if (!row) return { found: false as const };
    const { next, events, result } = await change(row.view, trx);
    if (next === undefined) return { found: true as const, result, changed: false };
    await trx(t.table)
      .where(t.idColumn, id)
      .update({ view: JSON.stringify(next), version: row.version + 1, updated_at: trx.fn.now() });
    await write(trx, next);
    if (events && events.length > 0 && emit) await emit(trx, events);
    return { found: true as const, result, changed: true };
  });
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

/** Newest first over (created_at, id); `where` adds the list's filters (their values also bind the cursor). */
export async function listDocuments<V>(
  knex: Knex,
  codec: CursorCodec,
  t: DocumentTable,
  filters: Record<string, unknown>,
  page: PageRequest,
  where: (q: Knex.QueryBuilder) => void,
): Promise<{ items: V[]; nextCursor?: string }> {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_DOCUMENT_PAGE) throw new RangeError(`limit must be an integer from 1 to ${MAX_DOCUMENT_PAGE}`);
  const filterKey = filterKeyOf({ table: t.table, ...filters });
  const position = page.cursor !== undefined ? codec.decode(page.cursor, filterKey) : undefined;
  const q = knex(`${t.table} as d`).select('d.view', 'd.created_at', `d.${t.idColumn} as id`);
  where(q);
  if (position) q.whereRaw(`(d.created_at, d.${t.idColumn}) < (?, ?)`, [position.createdAt, position.orderId]);
  q.orderBy([
    { column: 'd.created_at', order: 'desc' },
    { column: `d.${t.idColumn}`, order: 'desc' },
  ]).limit(page.limit + 1);
  const rows = (await q) as Array<{ view: V; created_at: Date; id: string }>;
  const shown = rows.slice(0, page.limit);
  if (rows.length <= page.limit) return { items: shown.map((r) => r.view) };
  const last = shown[shown.length - 1];
  return { items: shown.map((r) => r.view), nextCursor: codec.encode({ createdAt: last.created_at, orderId: last.id }, filterKey) };
}

/** Claims an Idempotency-Key for a document id (in the creating transaction); answers the id that holds it. */
export async function claimKey(trx: Knex.Transaction, table: string, idColumn: string, key: string, id: string): Promise<string> {
  await trx.raw(`INSERT INTO ${table} (key, ${idColumn}) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, [key, id]);
  const holder = (await trx(table).where('key', key).first(idColumn)) as Record<string, string>;
  return holder[idColumn];
}
