import type { Knex } from 'knex';
import { motionProblems } from './reconcile-motion';
import type { ClosedOrdersCheck, ReconcileOptions, ReconciliationProblem, ReconciliationReport } from './types';

type Held = { order_id: string; warehouse_id: string; sku: string; quantity: number };

const CLOSED_CHECK_BATCH = 500;

/** `AND <column> = ANY(?)` when the check is narrowed to some SKUs. */
function skuFilter(column: string, skus: string[] | undefined): [string, Knex.RawBinding[]] {
  return skus ? [`AND ${column} = ANY(?::text[])`, [skus]] : ['', []];
}

async function balanceProblems(trx: Knex.Transaction, skus?: string[]): Promise<ReconciliationProblem[]> {
  const problems: ReconciliationProblem[] = [];
  const [sl, slArgs] = skuFilter('sl.sku', skus);
  const [m, mArgs] = skuFilter('m.sku', skus);
  const [r, rArgs] = skuFilter('r.sku', skus);

  const range = await trx.raw<{ rows: Array<{ warehouse_id: string; sku: string; on_hand: number; reserved: number }> }>(
    `SELECT sl.warehouse_id, sl.sku, sl.on_hand, sl.reserved FROM stock_levels sl
      WHERE (sl.reserved < 0 OR sl.reserved > sl.on_hand) ${sl} ORDER BY 1, 2`,
    slArgs,
  );
  for (const x of range.rows) {
    problems.push({ kind: 'balance_out_of_range', warehouseId: x.warehouse_id, sku: x.sku, onHand: x.on_hand, reserved: x.reserved });
  }

  // A full join also catches movements without a balance row and the reverse.
  const sums = await trx.raw<{
    rows: Array<{ warehouse_id: string; sku: string; on_hand: string; reserved: string; m_on_hand: string; m_reserved: string }>;
  }>(
    `WITH bal AS (SELECT sl.warehouse_id, sl.sku, sl.on_hand, sl.reserved FROM stock_levels sl WHERE true ${sl}),
          mov AS (SELECT m.warehouse_id, m.sku, sum(m.on_hand_delta) AS on_hand, sum(m.reserved_delta) AS reserved
                    FROM stock_movements m WHERE true ${m} GROUP BY m.warehouse_id, m.sku)
     SELECT warehouse_id, sku, coalesce(bal.on_hand, 0)::text AS on_hand, coalesce(bal.reserved, 0)::text AS reserved,
            coalesce(mov.on_hand, 0)::text AS m_on_hand, coalesce(mov.reserved, 0)::text AS m_reserved
       FROM bal FULL JOIN mov USING (warehouse_id, sku)
      WHERE coalesce(bal.on_hand, 0) <> coalesce(mov.on_hand, 0) OR coalesce(bal.reserved, 0) <> coalesce(mov.reserved, 0)
      ORDER BY 1, 2`,
    [...slArgs, ...mArgs],
  );
  for (const x of sums.rows) {
    const at = { warehouseId: x.warehouse_id, sku: x.sku };
    if (x.on_hand !== x.m_on_hand) problems.push({ kind: 'on_hand_mismatch', ...at, balance: Number(x.on_hand), movements: Number(x.m_on_hand) });
    if (x.reserved !== x.m_reserved) problems.push({ kind: 'reserved_mismatch', ...at, balance: Number(x.reserved), movements: Number(x.m_reserved) });
  }

  const held = await trx.raw<{ rows: Array<{ warehouse_id: string; sku: string; reserved: string; held: string }> }>(
    `WITH bal AS (SELECT sl.warehouse_id, sl.sku, sl.reserved FROM stock_levels sl WHERE true ${sl}),
          h AS (SELECT r.warehouse_id, r.sku, sum(r.quantity) AS held FROM reservations r
                 WHERE r.status = 'held' ${r} GROUP BY r.warehouse_id, r.sku)
     SELECT warehouse_id, sku, coalesce(bal.reserved, 0)::text AS reserved, coalesce(h.held, 0)::text AS held
       FROM bal FULL JOIN h USING (warehouse_id, sku)
      WHERE coalesce(bal.reserved, 0) <> coalesce(h.held, 0)
      ORDER BY 1, 2`,
    [...slArgs, ...rArgs],
  );
  for (const x of held.rows) {
    problems.push({ kind: 'reserved_vs_held', warehouseId: x.warehouse_id, sku: x.sku, reserved: Number(x.reserved), held: Number(x.held) });
  }
  return problems;
}

async function heldRows(db: Knex | Knex.Transaction, skus?: string[], orderIds?: string[]): Promise<Held[]> {
  const [r, rArgs] = skuFilter('r.sku', skus);
  const [o, oArgs]: [string, Knex.RawBinding[]] = orderIds ? ['AND r.order_id = ANY(?::text[])', [orderIds]] : ['', []];
  const { rows } = await db.raw<{ rows: Held[] }>(
    // Documents' reservations (transfer:<id>) are checked against their records in reconcile-motion.ts.
    `SELECT r.order_id, r.warehouse_id, r.sku, r.quantity FROM reservations r
      WHERE r.status = 'held' AND r.order_id NOT LIKE 'transfer:%' ${r} ${o} ORDER BY 1, 2, 3`,
    [...rArgs, ...oArgs],
  );
  return rows;
}

/** Held stock of orders whose workflow is closed: stock nobody will ever ship or release. */
async function closedOrderProblems(knex: Knex, held: Held[], isClosed: ClosedOrdersCheck, skus?: string[]): Promise<ReconciliationProblem[]> {
  const orderIds = [...new Set(held.map((h) => h.order_id))];
  const closed = new Set<string>();
  for (let i = 0; i < orderIds.length; i += CLOSED_CHECK_BATCH) {
    for (const id of await isClosed(orderIds.slice(i, i + CLOSED_CHECK_BATCH))) closed.add(id);
  }
  if (closed.size === 0) return [];
  // The callback takes time; an order may have released its stock meanwhile, so look again.
  const still = await heldRows(knex, skus, [...closed]);
  return still.map((h) => ({ kind: 'held_for_closed_order', orderId: h.order_id, warehouseId: h.warehouse_id, sku: h.sku, quantity: h.quantity }));
}

/** The invariants of docs/design.md §4 and §15, checked on one consistent snapshot. */
export async function reconcile(knex: Knex, isClosed?: ClosedOrdersCheck, options: ReconcileOptions = {}): Promise<ReconciliationReport> {
  const { skus } = options;
  const { problems, held } = await knex.transaction(
    async (trx) => ({
      problems: [...(await balanceProblems(trx, skus)), ...(await motionProblems(trx, skus))],
      held: isClosed ? await heldRows(trx, skus) : [],
    }),
    { isolationLevel: 'repeatable read', readOnly: true },
  );
  if (isClosed) problems.push(...(await closedOrderProblems(knex, held, isClosed, skus)));
  return { ok: problems.length === 0, problems };
}
