import type { Knex } from 'knex';
import { LedgerError } from './errors';
import type { Movement, MovementKind, Reservation, ReservationStatus, SkuLevels } from './types';

export async function levels(knex: Knex, sku: string): Promise<SkuLevels | undefined> {
  const rows = await knex
    .select<Array<{ warehouse_id: string | null; on_hand: number | null; reserved: number | null }>>(
      'sl.warehouse_id',
      'sl.on_hand',
      'sl.reserved',
    )
    .from('skus as s')
    .leftJoin('stock_levels as sl', 'sl.sku', 's.sku')
    .leftJoin('warehouses as w', 'w.id', 'sl.warehouse_id')
    .where('s.sku', sku)
    .orderBy([{ column: 'w.priority' }, { column: 'sl.warehouse_id' }]);
  if (rows.length === 0) return undefined;
  const perWarehouse = rows
    .filter((r) => r.warehouse_id !== null)
    .map((r) => ({
      warehouseId: r.warehouse_id as string,
      onHand: r.on_hand ?? 0,
      reserved: r.reserved ?? 0,
      available: (r.on_hand ?? 0) - (r.reserved ?? 0),
    }));
  const sum = (f: (l: (typeof perWarehouse)[number]) => number) => perWarehouse.reduce((t, l) => t + f(l), 0);
  return {
    sku,
    onHand: sum((l) => l.onHand),
    reserved: sum((l) => l.reserved),
    available: sum((l) => l.available),
    levels: perWarehouse,
  };
}

const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;

interface MovementRow {
  id: string;
  warehouse_id: string;
  sku: string;
  kind: MovementKind;
  on_hand_delta: number;
  reserved_delta: number;
  order_id: string | null;
  idempotency_key: string;
  reason: string | null;
  created_at: Date;
}

/** Newest first; `next` is the cursor for the following (older) page. */
export async function movements(
  knex: Knex,
  sku: string,
  page: { limit?: number; before?: string } = {},
): Promise<{ movements: Movement[]; next?: string }> {
  const limit = page.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new LedgerError('INVALID_QUANTITY', `limit must be a whole number from 1 to ${MAX_PAGE}`, { limit });
  }
  if (page.before !== undefined && !/^[1-9][0-9]{0,18}$/.test(page.before)) {
    throw new LedgerError('INVALID_QUANTITY', 'before must be a cursor returned as next', { before: page.before });
  }
  const query = knex('stock_movements').select<MovementRow[]>('*').where({ sku }).orderBy('id', 'desc').limit(limit + 1);
  if (page.before !== undefined) query.where('id', '<', page.before);
  const rows = await query;
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  return {
    movements: shown.map((r) => ({
      id: String(r.id),
      warehouseId: r.warehouse_id,
      sku: r.sku,
      kind: r.kind,
      onHandDelta: r.on_hand_delta,
      reservedDelta: r.reserved_delta,
      orderId: r.order_id,
      idempotencyKey: r.idempotency_key,
      reason: r.reason,
      createdAt: r.created_at.toISOString(),
    })),
    ...(more ? { next: String(shown[shown.length - 1].id) } : {}),
  };
}

export async function reservations(knex: Knex, orderId: string): Promise<Reservation[]> {
  const rows = await knex('reservations')
    .select<Array<{ order_id: string; warehouse_id: string; sku: string; quantity: number; status: ReservationStatus }>>(
      'order_id',
      'warehouse_id',
      'sku',
      'quantity',
      'status',
    )
    .where({ order_id: orderId })
    .orderBy(['sku', 'warehouse_id', 'status']);
  return rows.map((r) => ({ orderId: r.order_id, warehouseId: r.warehouse_id, sku: r.sku, quantity: r.quantity, status: r.status }));
}

/**
 * Open orders whose demand for the SKU exceeds what they hold or shipped, in the order of the
 * queue for scarce stock (docs/design.md §17, domain/waiting-queue.ts: earliest ship-by, none
 * after, then waiting since; an order not in the queue by when it was placed), so the stock
 * waker wakes the one entitled to the units first. `d.open` lets it read the partial index of
 * open demand only: closed and released orders cost nothing however many there are.
 */
export const ORDERS_AWAITING_SQL = `SELECT d.order_id
  FROM order_demands d
  JOIN ledger_orders o ON o.order_id = d.order_id AND o.status = 'open'
  LEFT JOIN ledger_sku_waits w ON w.sku = d.sku AND w.order_id = d.order_id
 WHERE d.sku = ? AND d.open
   AND d.quantity > coalesce((SELECT sum(r.quantity) FROM reservations r
                               WHERE r.order_id = d.order_id AND r.sku = d.sku AND r.status IN ('held', 'shipped')), 0)
 ORDER BY w.ship_by IS NULL, w.ship_by, coalesce(w.waiting_since, o.created_at), d.order_id`;

export async function ordersAwaiting(knex: Knex, sku: string): Promise<string[]> {
  const { rows } = await knex.raw<{ rows: Array<{ order_id: string }> }>(ORDERS_AWAITING_SQL, [sku]);
  return rows.map((r) => r.order_id);
}

export async function ping(knex: Knex): Promise<void> {
  await knex.raw('SELECT 1');
}
