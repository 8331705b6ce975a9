/**
 * The reconciliation's invariants of stock in motion (docs/design.md §15), on the same
 * snapshot as the balance checks:
 * - incoming per (warehouse, SKU) from the PO lines equals the outstanding units of the open
 *   POs' records, and every PO line's `received` equals its `receipt` movements;
 * - every transfer line's shipped / received equal its `transfer_out` / `transfer_in`
 *   movements (so in transit = shipped − received − lost is what left and did not arrive);
 * - a transfer's units are held while `requested` and by nobody after;
 * - per SKU, Σ on hand + Σ in transit + Σ lost equals every movement in minus every movement
 *   out (receipts, returns, adjustments, shipments: transfers only move stock between them).
 *   On hand is taken from the movements here: a balance that disagrees with its movements is
 *   on_hand_mismatch already, and is not reported twice.
 */
import type { Knex } from 'knex';
import type { ReconciliationProblem } from './types';

const filter = (column: string, skus: string[] | undefined): [string, Knex.RawBinding[]] => (skus ? [`AND ${column} = ANY(?::text[])`, [skus]] : ['', []]);

export async function motionProblems(trx: Knex.Transaction, skus?: string[]): Promise<ReconciliationProblem[]> {
  const problems: ReconciliationProblem[] = [];
  const [l, lArgs] = filter('l.sku', skus);
  const [x, xArgs] = filter('x.sku', skus);
  const [m, mArgs] = filter('m.sku', skus);
  const [sl, slArgs] = filter('sl.sku', skus);

  const incoming = await trx.raw<{ rows: Array<{ warehouse_id: string; sku: string; lines: string; records: string }> }>(
    `WITH by_lines AS (SELECT l.warehouse_id, l.sku, sum(l.ordered - l.received) AS q FROM purchase_order_lines l WHERE l.open ${l} GROUP BY 1, 2),
          by_records AS (SELECT p.warehouse_id, x.sku, sum(x.outstanding) AS q
                           FROM purchase_orders p, jsonb_to_recordset(p.view->'lines') AS x(sku text, outstanding integer)
                          WHERE p.status IN ('open', 'partially_received') ${x} GROUP BY 1, 2)
     SELECT warehouse_id, sku, coalesce(by_lines.q, 0)::text AS lines, coalesce(by_records.q, 0)::text AS records
       FROM by_lines FULL JOIN by_records USING (warehouse_id, sku)
      WHERE coalesce(by_lines.q, 0) <> coalesce(by_records.q, 0)`,
    [...lArgs, ...xArgs],
  );
  for (const r of incoming.rows) problems.push({ kind: 'incoming_mismatch', warehouseId: r.warehouse_id, sku: r.sku, incoming: Number(r.lines), outstanding: Number(r.records) });

  const received = await trx.raw<{ rows: Array<{ purchase_order_id: string; sku: string; received: number; moved: string }> }>(
    `SELECT l.purchase_order_id, l.sku, l.received, coalesce((SELECT sum(m.on_hand_delta) FROM stock_movements m
              WHERE m.order_id = 'po:' || l.purchase_order_id AND m.sku = l.sku AND m.kind = 'receipt'), 0)::text AS moved
       FROM purchase_order_lines l WHERE true ${l}`,
    lArgs,
  );
  for (const r of received.rows) {
    if (String(r.received) !== r.moved) problems.push({ kind: 'purchase_order_received_mismatch', purchaseOrderId: r.purchase_order_id, sku: r.sku, received: r.received, movements: Number(r.moved) });
  }

  const transfers = await trx.raw<{ rows: Array<{ transfer_id: string; sku: string; status: string; quantity: number; shipped: number; received: number; moved_out: string; moved_in: string; held: string }> }>(
    `SELECT l.transfer_id, l.sku, l.status, l.quantity, l.shipped, l.received,
            coalesce((SELECT -sum(m.on_hand_delta) FROM stock_movements m WHERE m.order_id = 'transfer:' || l.transfer_id AND m.sku = l.sku AND m.kind = 'transfer_out'), 0)::text AS moved_out,
            coalesce((SELECT sum(m.on_hand_delta) FROM stock_movements m WHERE m.order_id = 'transfer:' || l.transfer_id AND m.sku = l.sku AND m.kind = 'transfer_in'), 0)::text AS moved_in,
            coalesce((SELECT sum(r.quantity) FROM reservations r WHERE r.order_id = 'transfer:' || l.transfer_id AND r.sku = l.sku AND r.status = 'held'), 0)::text AS held
       FROM transfer_lines l WHERE true ${l}`,
    lArgs,
  );
  for (const r of transfers.rows) {
    if (String(r.shipped) !== r.moved_out || String(r.received) !== r.moved_in) {
      problems.push({ kind: 'transfer_movement_mismatch', transferId: r.transfer_id, sku: r.sku, shipped: r.shipped, received: r.received, movedOut: Number(r.moved_out), movedIn: Number(r.moved_in) });
    }
    const want = r.status === 'requested' ? r.quantity : 0;
    if (String(want) !== r.held) problems.push({ kind: 'transfer_held_mismatch', transferId: r.transfer_id, sku: r.sku, status: r.status, held: Number(r.held), expected: want });
  }

  const conservation = await trx.raw<{ rows: Array<{ sku: string; on_hand: string; in_transit: string; lost: string; moved: string }> }>(
    `WITH skus AS (SELECT DISTINCT sl.sku FROM stock_levels sl WHERE true ${sl} UNION SELECT DISTINCT l.sku FROM transfer_lines l WHERE true ${l}),
          oh AS (SELECT m.sku, sum(m.on_hand_delta) AS q FROM stock_movements m WHERE true ${m} GROUP BY 1),
          tr AS (SELECT l.sku, sum(CASE WHEN l.status IN ('in_transit', 'needs_attention') THEN l.shipped - l.received - l.lost ELSE 0 END) AS in_transit,
                        sum(l.lost) AS lost FROM transfer_lines l WHERE true ${l} GROUP BY 1),
          mv AS (SELECT m.sku, sum(m.on_hand_delta) AS q FROM stock_movements m WHERE m.kind NOT IN ('transfer_out', 'transfer_in') ${m} GROUP BY 1)
     SELECT skus.sku, coalesce(oh.q, 0)::text AS on_hand, coalesce(tr.in_transit, 0)::text AS in_transit, coalesce(tr.lost, 0)::text AS lost, coalesce(mv.q, 0)::text AS moved
       FROM skus LEFT JOIN oh USING (sku) LEFT JOIN tr USING (sku) LEFT JOIN mv USING (sku)
      WHERE coalesce(oh.q, 0) + coalesce(tr.in_transit, 0) + coalesce(tr.lost, 0) <> coalesce(mv.q, 0)`,
    [...slArgs, ...lArgs, ...mArgs, ...lArgs, ...mArgs],
  );
  for (const r of conservation.rows) {
    problems.push({ kind: 'conservation_mismatch', sku: r.sku, onHand: Number(r.on_hand), inTransit: Number(r.in_transit), lost: Number(r.lost), movements: Number(r.moved) });
  }
  return problems;
}
