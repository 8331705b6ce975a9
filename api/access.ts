/**
 * The routes' side of api/authorization.ts: turns its decisions into ApiErrors, and describes
 * orders as the resources it decides about. Routes of any feature call `authorize(principal,
 * action, resource)` before they act; an unscoped principal costs nothing more than the call.
 */
import type { Principal } from '../domain/principal';
import type { OrderView } from '../domain/types';
import { decide, type Action, type Resource } from './authorization';
import { ApiError } from './errors';

/** Throws the 403/404 the principal gets for the action on the resource; returns when allowed. */
export function authorize(principal: Principal, action: Action, resource: Resource = {}): void {
  const decision = decide(principal, action, resource);
  if (decision.allow) return;
  const details = decision.status === 403 ? { role: principal.role, action } : undefined;
  throw new ApiError(decision.status, decision.error, decision.message, details);
}

/** An order as a resource: its channel and the warehouses it has (or had) a fulfillment at. */
export function orderResource(view: Pick<OrderView, 'channel' | 'fulfillments'>): NonNullable<Resource['order']> {
  return { channel: view.channel, fulfillmentWarehouseIds: view.fulfillments.map((f) => f.warehouseId) };
}

/**
 * The warehouse of the fulfillment an event is about: the named one's, or — when none is named —
 * the one warehouse every live fulfillment is at; null when that does not single out a warehouse
 * (an unknown id, or live fulfillments at several).
 */
export function eventWarehouse(view: Pick<OrderView, 'fulfillments'>, fulfillmentId: string | undefined): string | null {
  if (fulfillmentId !== undefined) return view.fulfillments.find((f) => f.fulfillmentId === fulfillmentId)?.warehouseId ?? null;
  const live = new Set(view.fulfillments.filter((f) => f.status !== 'cancelled' && f.status !== 'rejected').map((f) => f.warehouseId));
  return live.size === 1 ? [...live][0] : null;
}
