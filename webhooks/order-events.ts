/**
 * The webhook events an order-record write implies (docs/design.md §11), pure. A save hands every
 * candidate with its gate to the database, which emits those new against the stored view in
 * the same statement (orders/event-gates.ts); intake and mutate, which hold the previous view,
 * use `orderEventsFor(previous, next)`. Ids are derived from the order and the transition, so
 * a retried activity that writes the same transition again emits nothing new.
 */
import type { OrderView, ReturnView } from '../domain/types';
import type { WebhookEventType } from './event-types';
import { openEvents, type EventGate } from '../orders/event-gates';
import { eventIdOf } from './outbox';
import { shipByMissedAt } from '../domain/ship-by';

export interface OrderWebhookEvent {
  type: WebhookEventType;
  id: string;
  data: Record<string, unknown>;
}

export interface GatedOrderEvent extends OrderWebhookEvent {
  gate: EventGate;
}

export type { ReturnView };
type OrderRecord = OrderView;

const SENT = new Set(['shipped', 'delivered']);

/** Every event `next` could imply, each with the gate that says whether it is new (see orders/event-gates.ts). */
export function orderEventCandidates(next: OrderRecord): GatedOrderEvent[] {
  const { orderId, channel } = next;
  const out: GatedOrderEvent[] = [];
  out.push({
    type: 'order.created',
    id: eventIdOf(orderId, 'created'),
    data: { orderId, status: next.status, channel, customerId: next.customer.id, lines: next.lines, shippingMethod: next.shippingMethod },
    gate: { kind: 'new' },
  });

  // One status_changed per timeline entry: the index makes a status reached twice
  // (reserved → on_hold → reserved) two events, and a re-written entry the same one.
  for (let i = 1; i < next.history.length; i++) {
    const { status, at } = next.history[i];
    const previousStatus = next.history[i - 1].status;
    if (status === previousStatus) continue;
    out.push({
      type: 'order.status_changed',
      id: eventIdOf(orderId, status, i),
      data: { orderId, status, previousStatus, channel, ...(at ? { at } : {}) },
      gate: { kind: 'history', index: i },
    });
  }
  // A status changed without a new timeline entry (a view written by something else than the saga).
  out.push({
    type: 'order.status_changed',
    id: eventIdOf(orderId, next.status, next.history.length),
    data: { orderId, status: next.status, channel },
    gate: { kind: 'unrecorded', status: next.status, historyLength: next.history.length, withPrevious: true },
  });

  for (const f of next.fulfillments) {
    if (!SENT.has(f.status) || !f.shipment) continue;
    out.push({
      type: 'order.shipped',
      id: eventIdOf(orderId, 'shipped', f.fulfillmentId),
      data: {
        orderId,
        fulfillmentId: f.fulfillmentId,
        warehouseId: f.warehouseId,
        carrier: f.shipment.carrier,
        trackingNumber: f.shipment.trackingNumber,
        lines: f.lines,
        ...(f.shipment.shippedAt ? { shippedAt: f.shipment.shippedAt } : {}),
      },
      gate: { kind: 'sent', id: f.fulfillmentId },
    });
  }

  if (next.status === 'delivered') {
    out.push({
      type: 'order.delivered',
      id: eventIdOf(orderId, 'delivered'),
      data: { orderId, channel, ...(next.shipment?.deliveredAt ? { deliveredAt: next.shipment.deliveredAt } : {}) },
      gate: { kind: 'status', status: 'delivered' },
    });
  } else if (next.status === 'cancelled') {
    out.push({
      type: 'order.cancelled',
      id: eventIdOf(orderId, 'cancelled'),
      data: { orderId, channel, ...(next.cancelReason ? { reason: next.cancelReason } : {}) },
      gate: { kind: 'status', status: 'cancelled', withPrevious: true },
    });
  }

  // Once per order: the id is the order's, and the gate opens only with the timeline entry of the miss.
  const missed = shipByMissedAt(next.history);
  if (next.late && next.shipBy && missed >= 0) {
    out.push({
      type: 'order.ship_by_missed',
      id: eventIdOf(orderId, 'ship_by_missed'),
      data: { orderId, shipBy: next.shipBy, status: next.history[missed].status },
      gate: { kind: 'history', index: missed },
    });
  }

  for (const r of next.returns ?? []) {
    if (r.status !== 'received') continue;
    out.push({
      type: 'return.received',
      id: eventIdOf(orderId, 'return.received', r.returnId),
      data: {
        orderId,
        returnId: r.returnId,
        ...(r.warehouseId ? { warehouseId: r.warehouseId } : {}),
        lines: r.lines ?? [],
        ...(r.inspected ? { inspected: r.inspected } : {}),
        ...(r.receivedAt ? { receivedAt: r.receivedAt } : {}),
      },
      gate: { kind: 'returned', id: r.returnId },
    });
  }
  return out;
}

/** The events `next` implies against the view it replaces (`previous` undefined: a new record). */
export function orderEventsFor(previous: OrderRecord | undefined, next: OrderRecord): OrderWebhookEvent[] {
  return openEvents(orderEventCandidates(next), previous) as OrderWebhookEvent[];
}
