/**
 * A count's shortfall in the ledger (docs/design.md §16): the missing units come from the
 * latest holds first, never from an order whose fulfillment there is picked (read from its
 * record); when picked holds alone exceed the count it is refused and nothing moves.
 */
import type { Knex } from 'knex';
import type { Fulfillment } from '../domain/types';
import { createCountRecords } from '../orders/counts';
import { createCursorCodec } from '../orders/cursor';
import { balances, givenStock, ledgerHarness, namer, type LedgerHarness } from './ledger.fixtures';
import { orderView } from './support/order-views';

describe('count shortfall', () => {
  let h: LedgerHarness & { close(): Promise<void> };
  const name = namer();
  beforeAll(() => {
    h = ledgerHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const record = (knex: Knex, orderId: string, warehouseId: string, status: Fulfillment['status']) =>
    knex('order_records').insert({
      order_id: orderId,
      channel: 'web',
      customer_id: 'c',
      status: 'picking',
      workflow_id: `order-${orderId}`,
      // A whole view: GET /orders of suites running beside this one lists these rows too.
      view: JSON.stringify(orderView(orderId, ['received', 'picking'], { customer: { id: 'c' }, fulfillments: [{ fulfillmentId: `${orderId}-F1`, warehouseId, lines: [], status }] })),
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

  it('a kit unit a count broke is let go and placed again whole (no half kit held anywhere)', async () => {
    const [a, b] = [name('ka'), name('kb')];
    const [c1, c2] = [name('kc1'), name('kc2')];
    await givenStock(h.ledger, {
      warehouses: [{ id: a, priority: 1 }, { id: b, priority: 2 }],
      skus: [{ sku: c1 }, { sku: c2 }],
      stock: [
        { warehouseId: a, sku: c1, quantity: 2 },
        { warehouseId: a, sku: c2, quantity: 1 },
        { warehouseId: b, sku: c1, quantity: 2 },
        { warehouseId: b, sku: c2, quantity: 1 },
      ],
    });
    const o = name('kit-order');
    const kits = [{ kit: name('K'), units: 1, components: [{ sku: c1, quantity: 2 }, { sku: c2, quantity: 1 }] }];
    const first = await h.ledger.reserve(o, [{ sku: c1, quantity: 2 }, { sku: c2, quantity: 1 }], `${o}:reserve`, { kits });
    expect(first.allocations.every((x) => x.warehouseId === a)).toBe(true);
    const counts = createCountRecords(h.knex, createCursorCodec('0123456789abcdef0123'));
    const count = await counts.create({ countId: name('kc'), warehouseId: a, countedAt: new Date().toISOString(), source: 'cycle_count', lines: [{ sku: c1, counted: 1 }] }, 10);
    expect(count.count.reallocated).toEqual([{ orderId: o, sku: c1, quantity: 1 }]);

    const again = await h.ledger.reserveMore(o, `${o}:reroute:1`, { kits });
    expect(again.backordered).toEqual([]);
    expect([...again.allocations].sort((x, y) => (x.sku < y.sku ? -1 : 1))).toEqual(
      [{ warehouseId: b, sku: c1, quantity: 2 }, { warehouseId: b, sku: c2, quantity: 1 }].sort((x, y) => (x.sku < y.sku ? -1 : 1)),
    );
    expect(await balances(h.knex, [c1, c2])).toEqual(
      [
        { warehouse_id: a, sku: c1, on_hand: 1, reserved: 0 },
        { warehouse_id: a, sku: c2, on_hand: 1, reserved: 0 },
        { warehouse_id: b, sku: c1, on_hand: 2, reserved: 2 },
        { warehouse_id: b, sku: c2, on_hand: 1, reserved: 1 },
      ].sort((x, y) => (x.warehouse_id + x.sku < y.warehouse_id + y.sku ? -1 : 1)),
    );
    expect(await h.ledger.reconcile(undefined, { skus: [c1, c2] })).toEqual({ ok: true, problems: [] });
  });
});
