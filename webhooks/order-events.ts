/**
 * The webhook events an order-record write implies (DESIGN §11), pure: the record writer
 * calls `orderEventsFor(previous, next)` and hands each result to `emitEvent` in the same
 * transaction as the record. Ids are derived from the order and the transition, so a
 * retried activity that writes the same transition again emits nothing new.
 */
import type { OrderStatus, OrderView, ReturnView } from '../workflows/types';
import type { WebhookEventType } from './event-types';
import { eventIdOf } from './outbox';

export interface OrderEvent {
  type: WebhookEventType;
  id: string;
  data: Record<string, unknown>;
}

export type { ReturnView };
type OrderRecord = OrderView;

const SENT = new Set(['shipped', 'delivered']);

export function orderEventsFor(previous: OrderRecord | undefined, next: OrderRecord): OrderEvent[] {
  const { orderId, channel } = next;
  const out: OrderEvent[] = [];

  if (previous === undefined) {
    out.push({
      type: 'order.created',
      id: eventIdOf(orderId, 'created'),
      data: { orderId, status: next.status, channel, customerId: next.customer.id, lines: next.lines, shippingMethod: next.shippingMethod },
    });
  }

  // One status_changed per new history entry: the index makes a status reached twice
  // (reserved → on_hold → reserved) two events, and a re-written entry the same one.
  const transitions: Array<{ index: number; status: OrderStatus; previousStatus: OrderStatus; at?: string }> = [];
  const from = previous?.history.length ?? 0;
  for (let i = Math.max(from, 1); i < next.history.length; i++) {
    transitions.push({ index: i, status: next.history[i].status, previousStatus: next.history[i - 1].status, at: next.history[i].at });
  }
  if (transitions.length === 0 && previous !== undefined && previous.status !== next.status) {
    transitions.push({ index: next.history.length, status: next.status, previousStatus: previous.status });
  }
  for (const t of transitions) {
    if (t.status === t.previousStatus) continue;
    out.push({
      type: 'order.status_changed',
      id: eventIdOf(orderId, t.status, t.index),
      data: { orderId, status: t.status, previousStatus: t.previousStatus, channel, ...(t.at ? { at: t.at } : {}) },
    });
  }

  const before = new Map((previous?.fulfillments ?? []).map((f) => [f.fulfillmentId, f]));
  for (const f of next.fulfillments) {
    if (!SENT.has(f.status) || !f.shipment) continue;
    const was = before.get(f.fulfillmentId);
    if (was && SENT.has(was.status) && was.shipment) continue;
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
    });
  }

  if (next.status !== previous?.status) {
    if (next.status === 'delivered') {
      out.push({ type: 'order.delivered', id: eventIdOf(orderId, 'delivered'), data: { orderId, channel, ...(next.shipment?.deliveredAt ? { deliveredAt: next.shipment.deliveredAt } : {}) } });
    } else if (next.status === 'cancelled') {
      out.push({ type: 'order.cancelled', id: eventIdOf(orderId, 'cancelled'), data: { orderId, channel, previousStatus: previous?.status, ...(next.cancelReason ? { reason: next.cancelReason } : {}) } });
    }
  }

  const returnedBefore = new Set((previous?.returns ?? []).filter((r) => r.status === 'received').map((r) => r.returnId));
  for (const r of next.returns ?? []) {
    if (r.status !== 'received' || returnedBefore.has(r.returnId)) continue;
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
    });
  }
  return out;
}
