/**
 * A record save emits its events in the database (order_record_save opens each candidate's
 * gate against the stored view); orderEventsFor decides the same in TypeScript for intake and
 * mutate. These tests walk real transition sequences through the save and check that the rows
 * the database wrote are exactly what orderEventsFor says for each step.
 */
import { randomBytes } from 'node:crypto';
import { createRecordsWithEvents } from '../app/order-records';
import { orderEventCandidates, orderEventsFor, type ReturnView } from '../webhooks/order-events';
import type { Fulfillment, OrderStatus } from '../domain/types';
import { fulfillmentView, minute, orderView, type ViewWithReturns } from './support/order-views';
import { testKnex } from './support/db';

const uid = (): string => randomBytes(4).toString('hex');
const at = minute;
type View = ViewWithReturns;
const order = orderView;
const fulfillment = fulfillmentView;

describe('record saves emit the events orderEventsFor names', () => {
  const knex = testKnex(4);
  const records = createRecordsWithEvents(knex, randomBytes(32).toString('hex'));
  afterAll(() => knex.destroy());

  const stored = async (ids: string[]) =>
    (await knex('webhook_events').whereIn('id', ids).select('id', 'type', 'data')) as Array<{ id: string; type: string; data: Record<string, unknown> }>;

  /** Saves each view in turn (version i + 1) and checks the new event rows against orderEventsFor(previous, next). */
  async function walk(views: View[]): Promise<string[]> {
    const seen = new Set<string>();
    const types: string[] = [];
    let previous: View | undefined;
    for (const [i, next] of views.entries()) {
      expect(await records.save(next, { version: i + 1 })).toBe(true);
      const expected = orderEventsFor(previous, next);
      const candidates = orderEventCandidates(next).map((c) => c.id);
      const fresh = (await stored(candidates)).filter((row) => !seen.has(row.id));
      expect(fresh.map(({ id, type, data }) => ({ id, type, data })).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
        expected.map(({ id, type, data }) => ({ id, type, data: JSON.parse(JSON.stringify(data)) })).sort((a, b) => a.id.localeCompare(b.id)),
      );
      for (const row of fresh) seen.add(row.id);
      types.push(...expected.map((e) => e.type));
      previous = next;
    }
    return types;
  }

  it('a delivered order: created, one status_changed per transition, shipped with its tracking number, delivered', async () => {
    const id = `se-${uid()}`;
    const path: OrderStatus[] = ['received', 'reserved', 'picking', 'packing', 'shipping', 'shipped', 'delivered'];
    const views = path.map((_, i) => {
      const statuses = path.slice(0, i + 1);
      const status = statuses[statuses.length - 1];
      const f = ['shipped', 'delivered'].includes(status) ? [fulfillment('F1', status as Fulfillment['status'], 'TRK1')] : [];
      return order(id, statuses, { fulfillments: f, ...(status === 'delivered' ? { shipment: { carrier: 'DHL', trackingNumber: 'TRK1', deliveredAt: at(20) } } : {}) });
    });
    const types = await walk(views);
    const count = (type: string) => types.filter((t) => t === type).length;
    expect([count('order.created'), count('order.status_changed'), count('order.shipped'), count('order.delivered')]).toEqual([1, 6, 1, 1]);
  });

  it('a status reached twice is two events; a cancel carries the status it left', async () => {
    const id = `se-${uid()}`;
    const types = await walk([
      order(id, ['received']),
      order(id, ['received', 'reserved']),
      order(id, ['received', 'reserved', 'on_hold']),
      order(id, ['received', 'reserved', 'on_hold', 'reserved']),
      order(id, ['received', 'reserved', 'on_hold', 'reserved', 'cancelled'], { cancelReason: 'customer asked' }),
    ]);
    expect(types.filter((t) => t === 'order.status_changed')).toHaveLength(4);
    const [cancelled] = await stored(orderEventCandidates(order(id, ['received', 'reserved', 'on_hold', 'reserved', 'cancelled'])).filter((c) => c.type === 'order.cancelled').map((c) => c.id));
    expect(cancelled.data).toEqual({ orderId: id, channel: 'web', previousStatus: 'reserved', reason: 'customer asked' });
  });

  it('a split order: each parcel ships once; a status changed with no timeline entry still emits status_changed', async () => {
    const id = `se-${uid()}`;
    const base: OrderStatus[] = ['received', 'reserved', 'shipping'];
    const types = await walk([
      order(id, base, { fulfillments: [fulfillment('F1', 'shipping'), fulfillment('F2', 'packing')] }),
      order(id, base, { fulfillments: [fulfillment('F1', 'shipped', 'T1'), fulfillment('F2', 'packing')] }),
      order(id, base, { status: 'shipped', fulfillments: [fulfillment('F1', 'shipped', 'T1'), fulfillment('F2', 'shipped', 'T2')] }),
      order(id, base, { status: 'shipped', fulfillments: [fulfillment('F1', 'delivered', 'T1'), fulfillment('F2', 'shipped', 'T2')] }),
    ]);
    expect(types.filter((t) => t === 'order.shipped')).toHaveLength(2);
    expect(types.filter((t) => t === 'order.status_changed')).toHaveLength(3);
  });

  it('a return turning received emits return.received once', async () => {
    const id = `se-${uid()}`;
    const delivered: OrderStatus[] = ['received', 'delivered'];
    const ret = (status: ReturnView['status']): ReturnView => ({
      returnId: `R-${id}`,
      orderId: id,
      status,
      lines: [{ sku: 'S', quantity: 1 }],
      reason: 'too small',
      createdAt: at(30),
      ...(status === 'received' ? { receivedAt: at(31), warehouseId: 'wh-F1' } : {}),
    });
    const types = await walk([order(id, delivered), order(id, delivered, { returns: [ret('authorized')] }), order(id, delivered, { returns: [ret('received')] }), order(id, delivered, { returns: [ret('received')] })]);
    expect(types.filter((t) => t === 'return.received')).toHaveLength(1);
  });

  it('an older or repeated version changes nothing and emits nothing', async () => {
    const id = `se-${uid()}`;
    const first = order(id, ['received', 'reserved']);
    expect(await records.save(first, { version: 2 })).toBe(true);
    const later = order(id, ['received', 'reserved', 'cancelled']);
    expect(await records.save(later, { version: 1 })).toBe(false);
    expect(await records.save(later, { version: 2 })).toBe(false);
    expect((await records.get(id))?.view.status).toBe('reserved');
    expect(await stored(orderEventCandidates(later).filter((c) => c.type === 'order.cancelled').map((c) => c.id))).toEqual([]);
  });

  it('the filter rows follow the saved SKUs and warehouses, and stay when neither changes', async () => {
    const id = `se-${uid()}`;
    const rows = async () => ({
      skus: ((await knex('order_record_skus').where('order_id', id).orderBy('sku').select('sku')) as Array<{ sku: string }>).map((r) => r.sku),
      warehouses: ((await knex('order_record_warehouses').where('order_id', id).orderBy('warehouse_id').select('warehouse_id')) as Array<{ warehouse_id: string }>).map((r) => r.warehouse_id),
    });
    const lines = [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 2 }, { sku: 'A', quantity: 3 }];
    await records.save(order(id, ['received'], { lines }), { version: 1 });
    expect(await rows()).toEqual({ skus: ['A', 'B'], warehouses: [] });
    const allocations = [{ warehouseId: 'W2', sku: 'A', quantity: 1 }, { warehouseId: 'W1', sku: 'B', quantity: 2 }];
    await records.save(order(id, ['received', 'reserved'], { lines, allocations }), { version: 2 });
    expect(await rows()).toEqual({ skus: ['A', 'B'], warehouses: ['W1', 'W2'] });
    await records.save(order(id, ['received', 'reserved', 'picking'], { lines, allocations }), { version: 3 });
    expect(await rows()).toEqual({ skus: ['A', 'B'], warehouses: ['W1', 'W2'] });
    // An edit drops B and adds C; a re-route moves W2's units to W3 (W2 stays: its fulfillment was rejected there).
    const edited = [{ sku: 'A', quantity: 1 }, { sku: 'C', quantity: 1 }];
    await records.save(
      order(id, ['received', 'reserved', 'picking'], {
        lines: edited,
        allocations: [{ warehouseId: 'W3', sku: 'A', quantity: 1 }],
        fulfillments: [{ ...fulfillment('F1', 'rejected'), warehouseId: 'W2' }],
      }),
      { version: 4 },
    );
    expect(await rows()).toEqual({ skus: ['A', 'C'], warehouses: ['W2', 'W3'] });
  });
});
