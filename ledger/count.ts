/**
 * A count's effect on the ledger (docs/design.md §16), inside the caller's transaction: each
 * line compared with on hand as of countedAt, the variance applied now as one `count`
 * movement, and a shortfall below what is held taken from the latest unpicked holds (their
 * orders re-allocate those units; the caller signals them after commit).
 *
 * Lock order is the ledger's (migrations/001_ledger.functions.ts): the orders whose holds
 * may be taken (advisory locks, sorted), then the balance rows sorted by (warehouse, sku),
 * then the skus rows (reorder alerts). The holders are read before they are locked; when a
 * hold appears between that read and the balance lock the attempt is redone.
 */
import type { Knex } from 'knex';
import { countLines, shortfallTakes, type CountLine, type CountLineInput, type HeldUnits, type Reallocation } from '../domain/count';
import { LedgerError } from './errors';
import { translateError } from './store';

export interface CountApplyInput {
  countId: string;
  warehouseId: string;
  countedAt: Date;
  lines: CountLineInput[];
}

/** Orders among `orderIds` whose fulfillment at `warehouseId` is already picked. */
export type PickedCheck = (db: Knex.Transaction, warehouseId: string, orderIds: string[]) => Promise<Set<string>>;

export interface CountOutcome {
  lines: CountLine[];
  reallocated: Reallocation[];
}

/** A hold appeared between the read of holders and the balance lock: plan again. */
class HoldersMoved extends Error {}

const byC = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * On hand as of `asOf` per SKU at one warehouse: on hand now minus the on-hand movements
 * recorded after it (a movement at exactly `asOf` is one the count knew of).
 */
export async function onHandAsOfSql(db: Knex | Knex.Transaction, warehouseId: string, skus: string[], asOf: Date): Promise<Map<string, number>> {
  const { rows } = await db.raw<{ rows: Array<{ sku: string; expected: number }> }>(
    `SELECT s.sku,
            (coalesce(sl.on_hand, 0) - coalesce((SELECT sum(m.on_hand_delta) FROM stock_movements m
                                                   WHERE m.warehouse_id = ? AND m.sku = s.sku AND m.on_hand_delta <> 0
                                                     AND m.created_at > ?), 0))::integer AS expected
       FROM unnest(?::text[]) AS s(sku)
       LEFT JOIN stock_levels sl ON sl.warehouse_id = ? AND sl.sku = s.sku`,
    [warehouseId, asOf.toISOString(), skus, warehouseId],
  );
  return new Map(rows.map((r) => [r.sku, r.expected]));
}

/** Only compares: the lines a count would apply, nothing written. */
export async function previewCount(db: Knex | Knex.Transaction, input: CountApplyInput): Promise<CountLine[]> {
  const expected = await onHandAsOfSql(db, input.warehouseId, input.lines.map((l) => l.sku), input.countedAt);
  return countLines(input.lines, expected);
}

async function holders(db: Knex | Knex.Transaction, warehouseId: string, skus: string[]) {
  return db('reservations')
    .where({ warehouse_id: warehouseId, status: 'held' })
    .whereIn('sku', skus)
    .select<Array<{ order_id: string; sku: string; quantity: number; created_at: Date }>>('order_id', 'sku', 'quantity', 'created_at');
}

/** Applies the count's variances now; runs inside `trx` and retries its planning itself. */
export async function applyCount(knex: Knex, trx: Knex.Transaction, input: CountApplyInput, isPicked: PickedCheck): Promise<CountOutcome> {
  const skus = [...input.lines.map((l) => l.sku)].sort(byC);
  for (let attempt = 1; ; attempt++) {
    const seen = new Set((await holders(knex, input.warehouseId, skus)).map((h) => h.order_id));
    await trx.raw('SAVEPOINT count_attempt');
    try {
      const outcome = await applyOnce(trx, input, skus, seen, isPicked);
      await trx.raw('RELEASE SAVEPOINT count_attempt');
      return outcome;
    } catch (err) {
      await trx.raw('ROLLBACK TO SAVEPOINT count_attempt');
      if (err instanceof HoldersMoved && attempt < 8) continue;
      // The database's refusals (a level past the int4 range) in the ledger's own words.
      throw translateError(err);
    }
  }
}

async function applyOnce(trx: Knex.Transaction, input: CountApplyInput, skus: string[], lockedOrders: Set<string>, isPicked: PickedCheck): Promise<CountOutcome> {
  const { countId, warehouseId } = input;
  for (const orderId of [...lockedOrders].sort(byC)) await trx.raw('SELECT ledger_lock_order(?)', [orderId]);
  // A SKU never stocked here gets its (empty) balance row, so a count can put units there.
  await trx.raw(
    `INSERT INTO stock_levels (warehouse_id, sku) SELECT ?, s FROM unnest(?::text[]) s ORDER BY s COLLATE "C" ON CONFLICT DO NOTHING`,
    [warehouseId, skus],
  );
  const { rows: balances } = await trx.raw<{ rows: Array<{ sku: string; on_hand: number; reserved: number }> }>(
    `SELECT sku, on_hand, reserved FROM stock_levels WHERE warehouse_id = ? AND sku = ANY (?::text[])
      ORDER BY warehouse_id COLLATE "C", sku COLLATE "C" FOR UPDATE`,
    [warehouseId, skus],
  );
  const balance = new Map(balances.map((b) => [b.sku, b]));
  const lines = countLines(input.lines, await onHandAsOfSql(trx, warehouseId, skus, input.countedAt));
  const held = await holders(trx, warehouseId, skus);
  const reallocated: Reallocation[] = [];

  for (const line of lines) {
    const b = balance.get(line.sku)!;
    // The count says what is there; on hand cannot go below zero whatever happened since.
    const delta = Math.max(line.variance, -b.on_hand);
    if (delta === 0) continue;
    const onHandAfter = b.on_hand + delta;
    let released = 0;
    if (onHandAfter < b.reserved) {
      const lineHolds = held.filter((h) => h.sku === line.sku);
      if (lineHolds.some((h) => !lockedOrders.has(h.order_id))) throw new HoldersMoved();
      const picked = await isPicked(trx, warehouseId, lineHolds.map((h) => h.order_id));
      // A stock document's hold (a transfer's, `transfer:<id>`: no order id has ":") is never
      // taken: its record and workflow do not re-plan yet, so it counts like a picked hold and a
      // count that would need its units is refused (INSUFFICIENT_STOCK), nothing moved.
      const candidates: HeldUnits[] = lineHolds.map((h) => ({ orderId: h.order_id, quantity: h.quantity, heldAt: new Date(h.created_at).getTime(), picked: picked.has(h.order_id) || h.order_id.includes(':') }));
      const { takes, uncovered } = shortfallTakes(candidates, b.reserved - onHandAfter);
      if (uncovered > 0) {
        throw new LedgerError('INSUFFICIENT_STOCK', `the count leaves ${onHandAfter} of ${line.sku} at ${warehouseId}, fewer than picked fulfillments hold there`, {
          sku: line.sku,
          warehouseId,
          onHand: onHandAfter,
          uncovered,
        });
      }
      for (const t of takes) {
        await takeFromHold(trx, countId, warehouseId, line.sku, t.orderId, t.quantity);
        reallocated.push({ orderId: t.orderId, sku: line.sku, quantity: t.quantity });
        released += t.quantity;
      }
    }
    await trx('stock_movements').insert({
      warehouse_id: warehouseId,
      sku: line.sku,
      kind: 'count',
      on_hand_delta: delta,
      reserved_delta: 0,
      idempotency_key: `count:${countId}:${line.sku}`,
      reason: `count ${countId}`,
    });
    await trx('stock_levels')
      .where({ warehouse_id: warehouseId, sku: line.sku })
      .update({ on_hand: trx.raw('on_hand + ?', [delta]), reserved: trx.raw('reserved - ?', [released]) });
  }
  await trx.raw('SELECT ledger_evaluate_alerts(?::text[])', [skus]);
  return { lines, reallocated };
}

/** Held → released for `quantity` units of the order, with its release movement; the order's version moves so its planned writes re-plan. */
async function takeFromHold(trx: Knex.Transaction, countId: string, warehouseId: string, sku: string, orderId: string, quantity: number): Promise<void> {
  const key = { order_id: orderId, warehouse_id: warehouseId, sku, status: 'held' };
  const deleted = await trx('reservations').where({ ...key, quantity }).del();
  if (deleted === 0) await trx('reservations').where(key).update({ quantity: trx.raw('quantity - ?', [quantity]), updated_at: trx.fn.now() });
  await trx.raw(
    `INSERT INTO reservations AS r (order_id, warehouse_id, sku, status, quantity) VALUES (?, ?, ?, 'released', ?)
       ON CONFLICT (order_id, warehouse_id, sku, status) DO UPDATE SET quantity = r.quantity + excluded.quantity, updated_at = now()`,
    [orderId, warehouseId, sku, quantity],
  );
  await trx('stock_movements').insert({
    warehouse_id: warehouseId,
    sku,
    kind: 'release',
    on_hand_delta: 0,
    reserved_delta: -quantity,
    order_id: orderId,
    idempotency_key: `count:${countId}:${sku}:release:${orderId}`,
    reason: `count ${countId} shortfall`,
  });
  await trx('ledger_orders').where({ order_id: orderId }).update({ version: trx.raw('version + 1'), updated_at: trx.fn.now() });
}
