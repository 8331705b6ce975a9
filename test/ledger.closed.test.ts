import type { Knex } from 'knex';
import { ORDERS_AWAITING_SQL } from '../ledger/reads';
import { balances, givenStock, ledgerHarness, namer } from './ledger.fixtures';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/**
 * EXPLAIN ANALYZE with sequential scans priced out: shows the index path the query has.
 * Fresh statistics first, or the planner may judge the just-filled tables by stale ones.
 */
async function analyze(knex: Knex, sql: string, bindings: Knex.RawBinding[]): Promise<PlanNode[]> {
  await knex.raw('ANALYZE order_demands, ledger_orders, reservations');
  return knex.transaction(async (trx) => {
    await trx.raw('SET LOCAL enable_seqscan = off');
    const { rows } = await trx.raw<{ rows: Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }> }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, bindings);
    return nodes(rows[0]['QUERY PLAN'][0].Plan);
  });
}

/** Rows a scan of `relation` produced or read and threw away, over all its loops. */
function rowsRead(plan: PlanNode[], relation: string): number {
  return plan
    .filter((p) => p['Relation Name'] === relation)
    .reduce((t, p) => t + ((p['Actual Rows'] ?? 0) + (p['Rows Removed by Filter'] ?? 0)) * (p['Actual Loops'] ?? 1), 0);
}

describe('closed orders', () => {
  const h = ledgerHarness();
  afterAll(() => h.close());

  it('an order whose whole demand shipped is closed, leaves the awaiting index, and can still be restocked', async () => {
    const n = namer();
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: [{ sku: n('a') }], stock: [{ warehouseId: n('w'), sku: n('a'), quantity: 4 }] });
    await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 3 }], n('k1'));
    await h.ledger.ship(n('o1'), n('k2'));
    expect(await h.knex('ledger_orders').where({ order_id: n('o1') }).first('status')).toEqual({ status: 'closed' });
    expect(await h.knex('order_demands').where({ order_id: n('o1') }).select('sku', 'quantity', 'open')).toEqual([{ sku: n('a'), quantity: 3, open: false }]);
    expect(await h.ledger.reserveMore(n('o1'), n('k3'))).toEqual({ allocations: [{ warehouseId: n('w'), sku: n('a'), quantity: 3 }], backordered: [] });
    expect(await h.ledger.release(n('o1'), n('k4'))).toEqual({ released: [] });

    expect(await h.ledger.restock(n('o1'), [{ sku: n('a'), quantity: 2 }], n('k5'))).toEqual({ restocked: [{ warehouseId: n('w'), sku: n('a'), quantity: 2 }] });
    expect(await balances(h.knex, [n('a')])).toEqual([{ warehouse_id: n('w'), sku: n('a'), on_hand: 3, reserved: 0 }]);
    expect(await h.knex('ledger_orders').where({ order_id: n('o1') }).first('status')).toEqual({ status: 'closed' });

    // Adding to a closed order reopens it on top of what shipped.
    expect(await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 1 }], n('k6'))).toMatchObject({ backordered: [] });
    expect(await h.knex('order_demands').where({ order_id: n('o1') }).select('quantity', 'open')).toEqual([{ quantity: 4, open: true }]);
    expect(await h.ledger.reconcile(undefined, { skus: [n('a')] })).toEqual({ ok: true, problems: [] });
  });

  it('a partly shipped order stays open until its last fulfillment ships', async () => {
    const n = namer();
    await givenStock(h.ledger, {
      warehouses: [{ id: n('w1'), priority: 1 }, { id: n('w2'), priority: 2 }],
      skus: [{ sku: n('a') }],
      stock: [{ warehouseId: n('w1'), sku: n('a'), quantity: 1 }, { warehouseId: n('w2'), sku: n('a'), quantity: 1 }],
    });
    await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 3 }], n('k1'));
    await h.ledger.ship(n('o1'), n('k2'));
    expect(await h.knex('ledger_orders').where({ order_id: n('o1') }).first('status')).toEqual({ status: 'open' });
    expect(await h.ledger.ordersAwaiting(n('a'))).toEqual([n('o1')]);
  });

  it('ordersAwaiting and the held check read only open rows, however many orders closed', async () => {
    const n = namer();
    const sku = n('a');
    const closed = 40;
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: [{ sku }], stock: [{ warehouseId: n('w'), sku, quantity: closed + 1 }] });
    for (let i = 0; i < closed; i++) {
      await h.ledger.reserve(n(`done${i}`), [{ sku, quantity: 1 }], n(`r${i}`));
      await h.ledger.ship(n(`done${i}`), n(`s${i}`));
    }
    await h.ledger.reserve(n('cancelled'), [{ sku, quantity: 1 }], n('rc'));
    await h.ledger.release(n('cancelled'), n('xc'));
    await h.ledger.reserve(n('held'), [{ sku, quantity: 1 }], n('rh'));
    await h.ledger.reserve(n('short'), [{ sku, quantity: 1 }], n('rs'));

    expect(await h.ledger.ordersAwaiting(sku)).toEqual([n('short')]);
    const demand = await h.knex('order_demands').where({ sku }).select('open');
    expect(demand).toHaveLength(closed + 3);
    expect(demand.filter((d: { open: boolean }) => d.open)).toHaveLength(2);

    // The partial index may still point at the dead versions of rows that closed until
    // vacuum reclaims them; the rows the scan reads from the table are the open ones only.
    const awaiting = await analyze(h.knex, ORDERS_AWAITING_SQL, [sku]);
    expect(awaiting.map((p) => p['Index Name'])).toContain('order_demands_open_by_sku');
    expect(awaiting.filter((p) => p['Node Type'] === 'Seq Scan')).toEqual([]);
    expect(rowsRead(awaiting, 'order_demands')).toBe(2);

    // reconcile()'s held rows: the partial index holds no shipped or released reservation.
    const held = await analyze(h.knex, `SELECT r.order_id, r.quantity FROM reservations r WHERE r.status = 'held' AND r.sku = ANY(?::text[])`, [[sku]]);
    expect(held.map((p) => p['Index Name'])).toContain('reservations_held');
    expect(rowsRead(held, 'reservations')).toBe(1);
    expect(await h.ledger.reconcile(undefined, { skus: [sku] })).toEqual({ ok: true, problems: [] });
  });
});
