/**
 * The view an activity writes to the order's record for the workflow, for a change the activity
 * itself brings: the last parcel delivered (the delivery wait, so the order closes without a
 * record write of its own; workflows/order/patches.ts LEAN_ORDER). The workflow derives its view
 * its own way and compares: only an exact match spares the write. Only a closing view is written
 * so: a view an order rests in (picking) written before the workflow took it would tell a
 * warehouse to report events the workflow still refuses. Pure.
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

/** JSON with every object's keys sorted: two views compare equal whatever order their keys were set in (jsonb keeps none). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonical(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The two views hold the same record (what the activity wrote is what the workflow holds). */
export function sameView(a: OrderView, b: OrderView): boolean {
  return canonical(a) === canonical(b);
}
