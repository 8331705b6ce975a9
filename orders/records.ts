/**
 * The order records in PostgreSQL: an order's identity and its latest view, kept for ever.
 * Knows nothing of Temporal or HTTP. Pass a transaction as `knex` to write a record in the
 * same transaction as a ledger write.
 */
import type { Knex } from 'knex';
import { orderWorkflowId, type OrderStatus, type OrderView } from '../domain/types';
import { createCursorCodec } from './cursor';
import { IdempotencyKeyConflictError } from './errors';
import { listRecords } from './list';
import { RECORD_COLUMNS, RECORD_COLUMNS_SQL, scalarColumns, skusOf, toRecord, warehousesOf, type OrderRecordRow } from './rows';
import type { AcceptInput, AcceptResult, OrderRecord, OrderRecords, OrderRecordsOptions, SaveMeta } from './types';

const INT4_MAX = 2_147_483_647;

const ACCEPT_SQL = `
WITH ins AS (
  INSERT INTO order_records (order_id, request_hash, channel, customer_id, customer_email, status, view, workflow_id, version)
  VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, 0)
  ON CONFLICT (order_id) DO NOTHING
  RETURNING ${RECORD_COLUMNS_SQL}
), skus AS (
  INSERT INTO order_record_skus (order_id, sku, created_at)
  SELECT ins.order_id, k.sku, ins.created_at FROM ins, jsonb_array_elements_text(?::jsonb) AS k(sku)
), warehouses AS (
  INSERT INTO order_record_warehouses (order_id, warehouse_id, created_at)
  SELECT ins.order_id, k.id, ins.created_at FROM ins, jsonb_array_elements_text(?::jsonb) AS k(id)
)
SELECT * FROM ins`;

// Brings both filter tables to exactly the given sets in one statement.
const SYNC_FILTERS_SQL = `
WITH want_skus AS (SELECT jsonb_array_elements_text(?::jsonb) AS sku),
drop_skus AS (
  DELETE FROM order_record_skus WHERE order_id = ? AND sku NOT IN (SELECT sku FROM want_skus)
), add_skus AS (
  INSERT INTO order_record_skus (order_id, sku, created_at) SELECT ?, sku, ? FROM want_skus ON CONFLICT DO NOTHING
), want_warehouses AS (SELECT jsonb_array_elements_text(?::jsonb) AS id),
drop_warehouses AS (
  DELETE FROM order_record_warehouses WHERE order_id = ? AND warehouse_id NOT IN (SELECT id FROM want_warehouses)
), add_warehouses AS (
  INSERT INTO order_record_warehouses (order_id, warehouse_id, created_at) SELECT ?, id, ? FROM want_warehouses ON CONFLICT DO NOTHING
)
SELECT 1`;

function checkVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 0 || version > INT4_MAX) throw new RangeError(`version must be an integer from 0 to ${INT4_MAX}`);
}

export function createOrderRecords(knex: Knex, options: OrderRecordsOptions): OrderRecords {
  const codec = createCursorCodec(options.cursorSecret);

  const read = async (orderId: string): Promise<OrderRecord | undefined> => {
    const row = (await knex('order_records').select(RECORD_COLUMNS).where('order_id', orderId).first()) as OrderRecordRow | undefined;
    return row && toRecord(row);
  };

  return {
    async accept({ orderId, requestHash, view, workflowId, idempotencyKey }: AcceptInput): Promise<AcceptResult> {
      if (view.orderId !== orderId) throw new RangeError(`view.orderId ${view.orderId} is not the accepted order id ${orderId}`);
      const c = scalarColumns(view);
      const insert = (db: Knex | Knex.Transaction) => db.raw<{ rows: OrderRecordRow[] }>(ACCEPT_SQL, [
        orderId,
        requestHash,
        c.channel,
        c.customer_id,
        c.customer_email,
        c.status,
        JSON.stringify(view),
        workflowId,
        JSON.stringify(skusOf(view)),
        JSON.stringify(warehousesOf(view)),
      ]);
      // ON CONFLICT waits for a concurrent claim to commit, so the read after it sees the winner.
      const claim = async (db: Knex | Knex.Transaction) => {
        if (idempotencyKey === undefined) return;
        await db.raw('INSERT INTO order_idempotency_keys (key, order_id) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', [idempotencyKey, orderId]);
        const holder = (await db('order_idempotency_keys').where('key', idempotencyKey).first('order_id')) as { order_id: string };
        if (holder.order_id !== orderId) throw new IdempotencyKeyConflictError(idempotencyKey, holder.order_id);
      };
      const onChange = options.onChange;
      const inserted =
        onChange || idempotencyKey !== undefined
          ? await knex.transaction(async (trx) => {
              await claim(trx);
              const result = await insert(trx);
              if (result.rows.length > 0) await onChange?.(trx, undefined, view);
              return result;
            })
          : await insert(knex);
      if (inserted.rows.length > 0) return { created: true, record: toRecord(inserted.rows[0]) };
      // A new statement sees the winner's committed row: ON CONFLICT waited for it to commit.
      const existing = await read(orderId);
      if (!existing) throw new Error(`order record ${orderId}: insert conflicted but the row is not visible`);
      return { created: false, record: existing };
    },

    async save(view: OrderView, meta: SaveMeta) {
      checkVersion(meta.version);
      // One statement (migrations/008_order_record_save.ts): the locked update, the filter rows
      // and the events new against the stored view commit together.
      const payload = {
        orderId: view.orderId,
        view,
        version: meta.version,
        runId: meta.runId ?? null,
        requestHash: meta.requestHash ?? null,
        workflowId: orderWorkflowId(view.orderId),
        skus: skusOf(view),
        warehouses: warehousesOf(view),
        events: options.saveEvents?.(view) ?? [],
      };
      const { rows } = await knex.raw<{ rows: { saved: boolean }[] }>('SELECT order_record_save(?::jsonb) AS saved', [JSON.stringify(payload)]);
      return rows[0].saved;
    },

    get: read,

    async mutate(orderId, change) {
      return knex.transaction(async (trx) => {
        const row = (await trx('order_records').select(RECORD_COLUMNS).where('order_id', orderId).forUpdate().first()) as OrderRecordRow | undefined;
        if (!row) return { found: false as const };
        const record = toRecord(row);
        const { next, result } = await change(record, trx);
        if (next === undefined) return { found: true as const, changed: false, result };
        if (next.orderId !== orderId) throw new RangeError(`mutate ${orderId}: the view names order ${next.orderId}`);
        const version = record.version + 1;
        checkVersion(version);
        const c = scalarColumns(next);
        await trx('order_records')
          .where('order_id', orderId)
          .update({ ...c, view: JSON.stringify(next), version, updated_at: trx.fn.now() });
        const createdAt = row.created_at;
        await trx.raw(SYNC_FILTERS_SQL, [JSON.stringify(skusOf(next)), orderId, orderId, createdAt, JSON.stringify(warehousesOf(next)), orderId, orderId, createdAt]);
        if (options.onChange) await options.onChange(trx, record.view, next);
        return { found: true as const, changed: true, result };
      });
    },

    list: (filters, page) => listRecords(knex, codec, filters, page),

    async statuses(orderIds) {
      const rows = orderIds.length === 0 ? [] : await knex('order_records').whereIn('order_id', [...orderIds]).select<{ order_id: string; status: OrderStatus }[]>('order_id', 'status');
      return new Map(rows.map((r) => [r.order_id, r.status]));
    },

    async setRun(orderId, runId) {
      const changed = await knex('order_records').where('order_id', orderId).update({ run_id: runId, updated_at: knex.fn.now() });
      return changed > 0;
    },
  };
}
