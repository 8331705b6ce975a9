import { orderEventsFor, type ReturnView } from '../webhooks/order-events';
import type { OrderStatus } from '../domain/types';
import { fulfillmentView, minute, orderView, type ViewWithReturns } from './support/order-views';

const at = minute;
const order = (statuses: OrderStatus[], extra: Partial<ViewWithReturns> = {}) => orderView('o-1', statuses, extra);
const fulfillment = fulfillmentView;

describe('orderEventsFor', () => {
  it('a new record → order.created (and status_changed for any later entries)', () => {
    const events = orderEventsFor(undefined, order(['received']));
    expect(events.map((e) => e.type)).toEqual(['order.created']);
    expect(events[0].data).toMatchObject({ orderId: 'o-1', status: 'received', channel: 'web', customerId: 'c-1' });
    expect(events[0].id).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(orderEventsFor(undefined, order(['received', 'reserved'])).map((e) => e.type)).toEqual(['order.created', 'order.status_changed']);
  });

  it('each new history entry → order.status_changed {orderId, status, previousStatus, channel}', () => {
    const prev = order(['received']);
    const next = order(['received', 'reserved', 'picking']);
    const events = orderEventsFor(prev, next);
    expect(events.map((e) => e.data)).toEqual([
      { orderId: 'o-1', status: 'reserved', previousStatus: 'received', channel: 'web', at: at(1) },
      { orderId: 'o-1', status: 'picking', previousStatus: 'reserved', channel: 'web', at: at(2) },
    ]);
  });

  it('ids are stable for a repeated write and distinct for a status reached twice', () => {
    const a = orderEventsFor(order(['received']), order(['received', 'reserved']));
    const b = orderEventsFor(order(['received']), order(['received', 'reserved']));
    expect(a.map((e) => e.id)).toEqual(b.map((e) => e.id));
    const twice = orderEventsFor(order(['received']), order(['received', 'reserved', 'on_hold', 'reserved']));
    expect(new Set(twice.map((e) => e.id)).size).toBe(3);
    expect(orderEventsFor(order(['received', 'reserved']), order(['received', 'reserved']))).toEqual([]);
  });

  it('order.shipped once per fulfillment that ships, with carrier and tracking number', () => {
    const prev = order(['received', 'reserved', 'picking', 'packing', 'shipping'], { fulfillments: [fulfillment('f1', 'shipping'), fulfillment('f2', 'shipping')] });
    const mid = order(['received', 'reserved', 'picking', 'packing', 'shipping'], { fulfillments: [fulfillment('f1', 'shipped', 'T1'), fulfillment('f2', 'shipping')] });
    const first = orderEventsFor(prev, mid).filter((e) => e.type === 'order.shipped');
    expect(first.map((e) => e.data)).toEqual([{ orderId: 'o-1', fulfillmentId: 'f1', warehouseId: 'wh-f1', carrier: 'DHL', trackingNumber: 'T1', lines: [{ sku: 'S', quantity: 1 }], shippedAt: at(9) }]);
    const last = order(['received', 'reserved', 'picking', 'packing', 'shipping', 'shipped'], { fulfillments: [fulfillment('f1', 'shipped', 'T1'), fulfillment('f2', 'shipped', 'T2')] });
    const second = orderEventsFor(mid, last);
    expect(second.filter((e) => e.type === 'order.shipped').map((e) => e.data.fulfillmentId)).toEqual(['f2']);
    expect(second.find((e) => e.type === 'order.status_changed')?.data).toMatchObject({ status: 'shipped', previousStatus: 'shipping' });
  });

  it('delivered and cancelled add their own event once', () => {
    const shipped = order(['received', 'shipped']);
    const delivered = order(['received', 'shipped', 'delivered'], { shipment: { carrier: 'DHL', trackingNumber: 'T', deliveredAt: at(5) } });
    expect(orderEventsFor(shipped, delivered).map((e) => e.type)).toEqual(['order.status_changed', 'order.delivered']);
    expect(orderEventsFor(shipped, delivered).find((e) => e.type === 'order.delivered')?.data).toEqual({ orderId: 'o-1', channel: 'web', deliveredAt: at(5) });
    expect(orderEventsFor(delivered, delivered)).toEqual([]);
    const cancelled = orderEventsFor(order(['received', 'reserved']), order(['received', 'reserved', 'cancelled'], { cancelReason: 'customer asked' }));
    expect(cancelled.map((e) => e.type)).toEqual(['order.status_changed', 'order.cancelled']);
    expect(cancelled[1].data).toEqual({ orderId: 'o-1', channel: 'web', previousStatus: 'reserved', reason: 'customer asked' });
  });

  it('a status change without a history entry still emits status_changed', () => {
    const events = orderEventsFor(order(['received']), { ...order(['received']), status: 'reserved' });
    expect(events.map((e) => e.data)).toEqual([{ orderId: 'o-1', status: 'reserved', previousStatus: 'received', channel: 'web' }]);
  });

  it('return.received when a return turns received', () => {
    const authorized: ReturnView = { returnId: 'r1', orderId: 'o-1', status: 'authorized', lines: [{ sku: 'S', quantity: 1 }], reason: 'too small', createdAt: at(6) };
    const received: ReturnView = { ...authorized, status: 'received', warehouseId: 'wh-1', receivedAt: at(7) };
    const prev = order(['received', 'delivered'], { returns: [authorized] });
    const next = order(['received', 'delivered'], { returns: [received] });
    const events = orderEventsFor(prev, next);
    expect(events).toEqual([{ type: 'return.received', id: expect.stringMatching(/^evt_/), data: { orderId: 'o-1', returnId: 'r1', warehouseId: 'wh-1', lines: received.lines, receivedAt: at(7) } }]);
    expect(orderEventsFor(next, next)).toEqual([]);
  });
});
