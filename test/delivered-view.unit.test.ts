import { deliveredView, sameView } from '../domain/delivered-view';
import { initialView } from '../domain/initial-view';
import type { Fulfillment, OrderView } from '../domain/types';

const shipment = { carrier: 'SimExpress', trackingNumber: 'T1', labelId: 'L1', shippedAt: '2026-12-04T10:00:00.000Z' };

function shippedView(fulfillments: Fulfillment[]): OrderView {
  const view = initialView(
    {
      orderId: 'o1',
      channel: 'web',
      customer: { id: 'c1', name: 'Ada', email: 'ada@example.com' },
      shippingAddress: { name: 'Ada', line1: '1 Road', city: 'Town', postalCode: '1000', country: 'DE' },
      shippingMethod: 'standard',
      lines: [{ sku: 'A', quantity: 1 }],
    } as never,
    '2026-12-04T09:00:00.000Z',
  );
  view.fulfillments = fulfillments;
  view.status = 'shipped';
  view.shipment = fulfillments[0].shipment;
  return view;
}

describe('views an activity writes for the workflow (domain/delivered-view.ts)', () => {
  it('the last parcel delivered: fulfillment and order delivered, deliveredAt and the timeline at the time given', () => {
    const view = shippedView([{ fulfillmentId: 'F1', warehouseId: 'W1', lines: [{ sku: 'A', quantity: 1 }], status: 'shipped', shipment: { ...shipment } }]);
    const next = deliveredView(view, 'F1', '2026-12-05T08:00:00.000Z')!;
    expect(next.status).toBe('delivered');
    expect(next.fulfillments[0]).toMatchObject({ status: 'delivered', shipment: { ...shipment, deliveredAt: '2026-12-05T08:00:00.000Z' } });
    expect(next.shipment).toEqual(next.fulfillments[0].shipment);
    expect(next.history.at(-1)).toEqual({ at: '2026-12-05T08:00:00.000Z', status: 'delivered' });
    // The view handed in is left as it was.
    expect(view.status).toBe('shipped');
  });

  it('nothing when the delivery does not close the order: another parcel on its way, a hold, a failed step, a backorder', () => {
    const f1: Fulfillment = { fulfillmentId: 'F1', warehouseId: 'W1', lines: [{ sku: 'A', quantity: 1 }], status: 'shipped', shipment: { ...shipment } };
    const f2: Fulfillment = { ...f1, fulfillmentId: 'F2', status: 'shipped' };
    expect(deliveredView(shippedView([f1, f2]), 'F1', 'x')).toBeUndefined();
    expect(deliveredView(shippedView([f1, { ...f2, status: 'delivered' }]), 'F1', 'x')?.status).toBe('delivered');
    expect(deliveredView({ ...shippedView([f1]), holds: [{ holdId: 'h', reason: 'other', placedAt: 'x' } as never] }, 'F1', 'x')).toBeUndefined();
    expect(deliveredView({ ...shippedView([f1]), failedStep: 'deliver' }, 'F1', 'x')).toBeUndefined();
    expect(deliveredView({ ...shippedView([f1]), backordered: [{ sku: 'A', quantity: 1 }] }, 'F1', 'x')).toBeUndefined();
    expect(deliveredView(shippedView([f1]), 'F9', 'x')).toBeUndefined();
  });

  it('sameView: key order and undefined keys do not matter, values do', () => {
    const a = shippedView([{ fulfillmentId: 'F1', warehouseId: 'W1', lines: [{ sku: 'A', quantity: 1 }], status: 'shipped' }]);
    // The same fields, set in another order, one of them undefined.
    const b = { pickTaskId: undefined, ...Object.fromEntries(Object.entries(a).reverse()) } as typeof a;
    expect(sameView(a, b)).toBe(true);
    expect(sameView(a, { ...b, edits: 1 })).toBe(false);
  });
});
