/**
 * The order's view once its last parcel is delivered: what the delivery wait's activity writes
 * to the record when the carrier reports the delivery, so the order closes without a record
 * write of its own (workflows/order/patches.ts LEAN_ORDER). The workflow derives its
 * view its own way and compares: only an exact match spares the write. Pure.
 */
import type { OrderView } from './types';

const ENDED = ['delivered', 'cancelled', 'rejected'];

/**
 * The view after fulfillment `fulfillmentId` is delivered at `at`, when that delivery closes the
 * order (every other fulfillment ended, nothing held, backordered or failed); else undefined.
 * Changed the way the workflow changes its own (fulfillment/stops.ts finishDelivered), so the
 * two serialize alike.
 */
export function deliveredView(view: OrderView, fulfillmentId: string, at: string): OrderView | undefined {
  const f = view.fulfillments.find((x) => x.fulfillmentId === fulfillmentId);
  if (!f || f.status !== 'shipped' || view.status !== 'shipped') return undefined;
  if (view.fulfillments.some((x) => x !== f && !ENDED.includes(x.status))) return undefined;
  if (view.backordered.length > 0 || view.failedStep !== undefined || view.holds.some((h) => h.releasedAt === undefined)) return undefined;
  const next = JSON.parse(JSON.stringify(view)) as OrderView;
  const nf = next.fulfillments.find((x) => x.fulfillmentId === fulfillmentId)!;
  if (nf.shipment) nf.shipment.deliveredAt = at;
  nf.status = 'delivered';
  next.status = 'delivered';
  next.history.push({ at, status: 'delivered' });
  const first = next.fulfillments[0];
  next.pickTaskId = first?.pickTaskId;
  next.shipment = first?.shipment;
  return next;
}
