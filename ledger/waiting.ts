/**
 * Who gets scarce stock first (docs/design.md §17): the orders waiting for a SKU form one
 * queue in `compareWaiting` order (earliest shipBy, none after, then waiting since), and an
 * order may hold units of the SKU only beyond what the orders ahead of it still need. The cap
 * lives in the ledger's plan, read from Postgres on every attempt, so it holds whichever
 * wake-up runs first, on whichever worker replica: an order behind plans a backorder, the one
 * ahead takes the units when its own wake-up runs. Pure, but for the queue read.
 */
import type { Knex } from 'knex';
import { compareWaiting, type WaitingOrder } from '../domain/waiting-queue';
import type { OrderLine } from './types';
import type { SourcingWarehouse } from './sourcing-types';

export interface Waiter extends WaitingOrder {
  sku: string;
  /** Units of the SKU the order still needs (demand minus held and shipped). */
  need: number;
}

export interface WaitQueue {
  /** Live waiters of the SKUs read, this order's own rows included. */
  waiters: Waiter[];
  /** Rows of orders that no longer wait (released, closed, filled by an edit): cleaned up by the next write. */
  stale: Array<{ orderId: string; sku: string }>;
}

interface WaitRow {
  sku: string;
  order_id: string;
  ship_by: Date | null;
  waiting_since: Date;
  need: number | null;
  open: boolean | null;
}

/** The queue of the SKUs, one indexed read per SKU row (ledger_sku_waits holds only waiting orders). */
export async function readWaitQueue(db: Knex | Knex.Transaction, skus: readonly string[]): Promise<WaitQueue> {
  if (skus.length === 0) return { waiters: [], stale: [] };
  const { rows } = await db.raw<{ rows: WaitRow[] }>(
    `SELECT w.sku, w.order_id, w.ship_by, w.waiting_since, d.open,
            d.quantity - coalesce((SELECT sum(r.quantity)::int FROM reservations r
                                    WHERE r.order_id = w.order_id AND r.sku = w.sku AND r.status IN ('held', 'shipped')), 0) AS need
       FROM ledger_sku_waits w LEFT JOIN order_demands d ON d.order_id = w.order_id AND d.sku = w.sku
      WHERE w.sku = ANY (?::text[])`,
    [[...skus]],
  );
  const waiters: Waiter[] = [];
  const stale: WaitQueue['stale'] = [];
  for (const r of rows) {
    if (r.open && r.need !== null && r.need > 0) {
      waiters.push({ sku: r.sku, orderId: r.order_id, shipBy: r.ship_by?.toISOString() ?? null, waitingSince: r.waiting_since.toISOString(), need: r.need });
    } else stale.push({ orderId: r.order_id, sku: r.sku });
  }
  return { waiters, stale };
}

/** Units of each SKU the waiters ahead of `me` still need. `me.waitingSince` per SKU: its own row's, else now. */
export function claimedAhead(me: { orderId: string; shipBy: string | null; now: string }, waiters: readonly Waiter[]): Map<string, number> {
  const since = new Map(waiters.filter((w) => w.orderId === me.orderId).map((w) => [w.sku, w.waitingSince]));
  const claimed = new Map<string, number>();
  for (const w of waiters) {
    if (w.orderId === me.orderId) continue;
    const mine: WaitingOrder = { orderId: me.orderId, shipBy: me.shipBy, waitingSince: since.get(w.sku) ?? me.now };
    if (compareWaiting(w, mine) < 0) claimed.set(w.sku, (claimed.get(w.sku) ?? 0) + w.need);
  }
  return claimed;
}

/**
 * Splits the remainder into what the order may hold now and what waits behind the queue: of
 * each SKU, at most what the usable warehouses have beyond the units claimed ahead.
 */
export function capByQueue(
  remainder: readonly OrderLine[],
  snapshot: readonly SourcingWarehouse[],
  exclude: readonly string[],
  claimed: ReadonlyMap<string, number>,
): { mayHold: OrderLine[]; queued: OrderLine[] } {
  const mayHold: OrderLine[] = [];
  const queued: OrderLine[] = [];
  for (const line of remainder) {
    const ahead = claimed.get(line.sku) ?? 0;
    const free = snapshot.filter((w) => w.active && !exclude.includes(w.warehouseId)).reduce((n, w) => n + Math.max(0, w.available.get(line.sku) ?? 0), 0);
    const take = Math.min(line.quantity, Math.max(0, free - ahead));
    if (take > 0) mayHold.push({ sku: line.sku, quantity: take });
    if (line.quantity > take) queued.push({ sku: line.sku, quantity: line.quantity - take });
  }
  return { mayHold, queued };
}
