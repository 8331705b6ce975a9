/** OrderViews for tests of what follows from a view (webhook events, record writes): pure data. */
import type { ReturnView } from '../../webhooks/order-events';
import type { Fulfillment, OrderStatus, OrderView } from '../../domain/types';

export type ViewWithReturns = OrderView & { returns?: ReturnView[] };

export const minute = (n: number): string => new Date(Date.UTC(2025, 0, 1, 0, n)).toISOString();

/** An order whose timeline went through `statuses` (one minute apart); it is in the last one. */
export function orderView(orderId: string, statuses: OrderStatus[], extra: Partial<ViewWithReturns> = {}): ViewWithReturns {
  return {
    orderId,
    status: statuses[statuses.length - 1],
    channel: 'web',
    customer: { id: 'c-1' },
    shippingAddress: { name: 'A', line1: 'l', city: 'c', postalCode: 'p', country: 'DE' },
    shippingMethod: 'standard',
    lines: [{ sku: 'S', quantity: 2 }],
    allocations: [],
    backordered: [],
    fulfillments: [],
    holds: [],
    history: statuses.map((status, i) => ({ at: minute(i), status })),
    edits: 0,
    ...extra,
  };
}

/** A one-unit fulfillment at `wh-<id>`, with a DHL shipment when it has a tracking number. */
export const fulfillmentView = (id: string, status: Fulfillment['status'], tracking?: string): Fulfillment => ({
  fulfillmentId: id,
  warehouseId: `wh-${id}`,
  lines: [{ sku: 'S', quantity: 1 }],
  status,
  ...(tracking ? { shipment: { carrier: 'DHL', trackingNumber: tracking, shippedAt: minute(9) } } : {}),
});
