/**
 * A count's shortfall in the ledger (docs/design.md §16): the missing units come from the
 * latest holds first, never from an order whose fulfillment there is picked (read from its
 * record); when picked holds alone exceed the count it is refused and nothing moves.
 */
import type { Knex } from 'knex';
import { createCountRecords } from '../orders/counts';
import { createCursorCodec } from '../orders/cursor';
import { balances, givenStock, ledgerHarness, namer, type LedgerHarness } from './ledger.fixtures';

describe('count shortfall', () => {
  let h: LedgerHarness & { close(): Promise<void> };
  const name = namer();
  beforeAll(() => {
    h = ledgerHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const record = (knex: Knex, orderId: string, warehouseId: string, status: string) =>
    knex('order_records').insert({
      order_id: orderId,
      channel: 'web',
      customer_id: 'c',
      status: 'picking',
      workflow_id: `order-${orderId}`,
      view: JSON.stringify({ orderId, fulfillments: [{ fulfillmentId: `${orderId}-F1`, warehouseId, lines: [], status }] }),
    });

  it('latest unpicked hold first; a count below the picked holds is refused', async () => {
    const w = name('w');
    const sku = name('s');
    await givenStock(h.ledger, { warehouses: [{ id: w }], skus: [{ sku }], stock: [{ warehouseId: w, sku, quantity: 10 }] });
    const [o1, o2, o3] = ['o1', 'o2', 'o3'].map(name);
    for (const o of [o1, o2, o3]) await h.ledger.reserve(o, [{ sku, quantity: 3 }], `${o}:reserve`);
    await record(h.knex, o1, w, 'picking');
    await record(h.knex, o2, w, 'requested');
    await record(h.knex, o3, w, 'packing');
    const counts = createCountRecords(h.knex, createCursorCodec('0123456789abcdef0123'));
    const at = () => new Date().toISOString();

    const first = await counts.create({ countId: name('c1'), warehouseId: w, countedAt: at(), source: 'cycle_count', lines: [{ sku, counted: 4 }] }, 10);
    expect(first.count).toMatchObject({ status: 'applied', lines: [{ sku, counted: 4, expected: 10, variance: -6 }] });
    expect(first.count.reallocated).toEqual([
      { orderId: o2, sku, quantity: 3 },
      { orderId: o1, sku, quantity: 2 },
    ]);
    expect(await balances(h.knex, [sku])).toEqual([{ warehouse_id: w, sku, on_hand: 4, reserved: 4 }]);
    const held = await h.knex('reservations').where({ sku, status: 'held' }).orderBy('order_id').select('order_id', 'quantity');
    expect(held).toEqual([
      { order_id: o1, quantity: 1 },
      { order_id: o3, quantity: 3 },
    ]);
    // The orders await the units again: their demand exceeds what they hold.
    expect((await h.ledger.ordersAwaiting(sku)).sort()).toEqual([o1, o2].sort());

    await expect(counts.create({ countId: name('c2'), warehouseId: w, countedAt: at(), source: 'cycle_count', lines: [{ sku, counted: 2 }] }, 10)).rejects.toMatchObject({
      code: 'INSUFFICIENT_STOCK',
    });
    expect(await counts.get(name('c2'))).toBeUndefined();
    expect(await balances(h.knex, [sku])).toEqual([{ warehouse_id: w, sku, on_hand: 4, reserved: 4 }]);
    expect(await h.ledger.reconcile(undefined, { skus: [sku] })).toEqual({ ok: true, problems: [] });
  });
});
