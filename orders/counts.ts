/**
 * Count records (docs/design.md §16): one row per count, its decision and its effect on the
 * ledger in one transaction, and the `inventory.count_applied` event committed with it. A
 * count id is serialised by an advisory lock, so a repeat and its first send are decided one
 * after the other.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { statusOnArrival, type CountLine, type CountLineInput, type CountSource, type CountStatus, type Reallocation } from '../domain/count';
import { applyCount, previewCount, type PickedCheck } from '../ledger/count';
import { emitEvent, eventIdOf } from '../webhooks/outbox';
import { filterKeyOf, type CursorCodec } from './cursor';

export interface CountInput {
  countId: string;
  warehouseId: string;
  countedAt: string;
  source: CountSource;
  lines: CountLineInput[];
}

export interface CountView {
  countId: string;
  warehouseId: string;
  countedAt: string;
  source: CountSource;
  status: CountStatus;
  lines: CountLine[];
  reallocated: Reallocation[];
  rejectionReason?: string;
  createdAt: string;
  decidedAt?: string;
}

export type CreateOutcome = { kind: 'created'; count: CountView } | { kind: 'repeat'; count: CountView } | { kind: 'conflict'; count: CountView };
export type DecideOutcome = { kind: 'not_found' } | { kind: 'not_pending'; count: CountView } | { kind: 'decided'; count: CountView };

interface CountRow {
  count_id: string;
  request_hash: string;
  warehouse_id: string;
  counted_at: Date;
  source: CountSource;
  status: CountStatus;
  lines: CountLine[];
  reallocated: Reallocation[];
  rejection_reason: string | null;
  created_at: Date;
  decided_at: Date | null;
}

const toView = (r: CountRow): CountView => ({
  countId: r.count_id,
  warehouseId: r.warehouse_id,
  countedAt: new Date(r.counted_at).toISOString(),
  source: r.source,
  status: r.status,
  lines: r.lines,
  reallocated: r.reallocated,
  ...(r.rejection_reason ? { rejectionReason: r.rejection_reason } : {}),
  createdAt: new Date(r.created_at).toISOString(),
  ...(r.decided_at ? { decidedAt: new Date(r.decided_at).toISOString() } : {}),
});

/** The body as it identifies the count: the same count sent again hashes the same. */
export function countHash(input: CountInput): string {
  const { warehouseId, source, lines } = input;
  const canonical = { warehouseId, countedAt: new Date(input.countedAt).toISOString(), source, lines: lines.map((l) => ({ sku: l.sku, counted: l.counted })) };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** Fulfillment statuses after the pick: their units are off the shelf. */
const PICKED = ['packing', 'shipping', 'shipped', 'delivered'];

/** From the order records: orders whose fulfillment at the warehouse has been picked. */
export const pickedFromRecords: PickedCheck = async (trx, warehouseId, orderIds) => {
  if (orderIds.length === 0) return new Set();
  const { rows } = await trx.raw<{ rows: Array<{ order_id: string }> }>(
    `SELECT r.order_id FROM order_records r, jsonb_array_elements(coalesce(r.view->'fulfillments', '[]'::jsonb)) f
      WHERE r.order_id = ANY (?::text[]) AND f->>'warehouseId' = ? AND f->>'status' = ANY (?::text[])`,
    [orderIds, warehouseId, PICKED],
  );
  return new Set(rows.map((r) => r.order_id));
};

export interface CountRecords {
  create(input: CountInput, autoApproveUnits: number): Promise<CreateOutcome>;
  approve(countId: string): Promise<DecideOutcome>;
  reject(countId: string, reason?: string): Promise<DecideOutcome>;
  get(countId: string): Promise<CountView | undefined>;
  list(filters: { warehouseId?: string; status?: CountStatus }, page: { limit: number; cursor?: string }): Promise<{ counts: CountView[]; nextCursor?: string }>;
}

export function createCountRecords(knex: Knex, codec: CursorCodec, isPicked: PickedCheck = pickedFromRecords): CountRecords {
  const lockCount = (trx: Knex.Transaction, countId: string) => trx.raw('SELECT pg_advisory_xact_lock(4998216, hashtext(?))', [countId]);
  const find = async (db: Knex | Knex.Transaction, countId: string) => db<CountRow>('stock_counts').where({ count_id: countId }).first();

  async function emitApplied(trx: Knex.Transaction, count: CountView): Promise<void> {
    const { countId, warehouseId, countedAt, source, lines, reallocated } = count;
    await emitEvent(trx, { type: 'inventory.count_applied', id: eventIdOf('count_applied', countId), data: { countId, warehouseId, countedAt, source, lines, reallocated } });
  }

  async function decide(countId: string, apply: (trx: Knex.Transaction, row: CountRow) => Promise<Partial<CountRow>>): Promise<DecideOutcome> {
    return knex.transaction(async (trx) => {
      await lockCount(trx, countId);
      const row = await find(trx, countId);
      if (!row) return { kind: 'not_found' };
      if (row.status !== 'pending_approval') return { kind: 'not_pending', count: toView(row) };
      const change = await apply(trx, row);
      const [updated] = await trx<CountRow>('stock_counts')
        .where({ count_id: countId })
        .update({ ...change, lines: JSON.stringify(change.lines ?? row.lines), reallocated: JSON.stringify(change.reallocated ?? []), decided_at: trx.fn.now() } as never)
        .returning('*');
      const count = toView(updated);
      if (count.status === 'applied') await emitApplied(trx, count);
      return { kind: 'decided', count };
    });
  }

  return {
    async create(input, autoApproveUnits) {
      const hash = countHash(input);
      return knex.transaction(async (trx) => {
        await lockCount(trx, input.countId);
        const existing = await find(trx, input.countId);
        if (existing) return { kind: existing.request_hash === hash ? 'repeat' : 'conflict', count: toView(existing) };
        const ledgerInput = { countId: input.countId, warehouseId: input.warehouseId, countedAt: new Date(input.countedAt), lines: input.lines };
        const preview = await previewCount(trx, ledgerInput);
        const status = statusOnArrival(preview, autoApproveUnits);
        const outcome = status === 'applied' ? await applyCount(knex, trx, ledgerInput, isPicked) : { lines: preview, reallocated: [] };
        const [row] = await trx<CountRow>('stock_counts')
          .insert({
            count_id: input.countId,
            request_hash: hash,
            warehouse_id: input.warehouseId,
            counted_at: new Date(input.countedAt),
            source: input.source,
            status,
            lines: JSON.stringify(outcome.lines),
            reallocated: JSON.stringify(outcome.reallocated),
            decided_at: status === 'applied' ? trx.fn.now() : null,
          } as never)
          .returning('*');
        const count = toView(row);
        if (status === 'applied') await emitApplied(trx, count);
        return { kind: 'created', count };
      });
    },

    approve(countId) {
      return decide(countId, async (trx, row) => {
        // The comparison is made again at approval: the figure as of countedAt is the same
        // unless a movement dated before it was recorded meanwhile.
        const outcome = await applyCount(knex, trx, { countId, warehouseId: row.warehouse_id, countedAt: new Date(row.counted_at), lines: row.lines.map(({ sku, counted }) => ({ sku, counted })) }, isPicked);
        return { status: 'applied', lines: outcome.lines, reallocated: outcome.reallocated };
      });
    },

    reject(countId, reason) {
      return decide(countId, async () => ({ status: 'rejected', rejection_reason: reason ?? null }));
    },

    async get(countId) {
      const row = await find(knex, countId);
      return row && toView(row);
    },

    async list(filters, page) {
      const filterKey = filterKeyOf(filters);
      const position = page.cursor !== undefined ? codec.decode(page.cursor, filterKey) : undefined;
      const q = knex<CountRow>('stock_counts');
      if (filters.warehouseId !== undefined) q.where('warehouse_id', filters.warehouseId);
      if (filters.status !== undefined) q.where('status', filters.status);
      if (position) q.whereRaw('(created_at, count_id) < (?, ?)', [position.createdAt, position.orderId]);
      const rows = (await q.orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'count_id', order: 'desc' },
      ]).limit(page.limit + 1)) as CountRow[];
      const counts = rows.slice(0, page.limit).map(toView);
      if (rows.length <= page.limit) return { counts };
      const last = rows[page.limit - 1];
      return { counts, nextCursor: codec.encode({ createdAt: new Date(last.created_at), orderId: last.count_id }, filterKey) };
    },
  };
}
