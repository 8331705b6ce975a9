/**
 * Who may do what, in one place (docs/design.md §6, §20). Every route names an action; the
 * role table decides whether a key's role may take it at all, the scope table narrows scoped
 * system keys, and `decide` checks the resource (the order, the warehouse, the channel) the
 * action touches. Pure: no express, no database — the routes fetch the resource and ask.
 *
 * Routes of other features call `authorize(principal, action, resource)` (api/access.ts
 * throws the answer as an ApiError) with the warehouse their document acts at.
 */
import type { KeyScope, Principal, Role } from '../domain/principal';

const ALL: readonly Role[] = ['system', 'support', 'ops', 'admin'];
const SUPPORT: readonly Role[] = ['support', 'admin'];
const SYSTEM: readonly Role[] = ['system', 'admin'];
const ADMIN: readonly Role[] = ['admin'];

/** The roles each action is open to (docs/design.md §6); a scoped key is a `system` key narrowed further. */
export const ROLE_GRANTS = {
  'order.create': SYSTEM,
  'order.read': ALL,
  'order.list': ALL,
  'order.event': SYSTEM,
  'order.cancel': SUPPORT,
  'order.retry': SUPPORT,
  'order.edit': SUPPORT,
  // The systems that detect fraud or payment trouble, and support.
  'order.hold': ['system', 'support', 'admin'],
  'order.release': ['system', 'support', 'admin'],
  'return.authorize': SUPPORT,
  'return.read': ALL,
  // The warehouse systems report the parcels that arrive.
  'return.receive': SYSTEM,
  'catalog.read': ALL,
  'catalog.write': ADMIN,
  'warehouse.signing_secret': ADMIN,
  'inventory.read': ALL,
  'inventory.write': ADMIN,
  'channel.read': ALL,
  'channel.write': ADMIN,
  'availability.read': ALL,
  'webhook.manage': ADMIN,
  'metrics.read': ALL,
  // Documents of docs/design.md §15–16, for the routes that serve them: the warehouse acts at its own.
  'purchase_order.receive': SYSTEM,
  'transfer.ship': SYSTEM,
  'transfer.receive': SYSTEM,
  'count.read': ALL,
  'count.write': SYSTEM,
  // Decrypting Temporal payloads (docs/design.md §14): personal data, support and admin only.
  'payload.decode': SUPPORT,
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof ROLE_GRANTS;
export const ACTIONS = Object.keys(ROLE_GRANTS) as Action[];

/** Exactly the rights of docs/design.md §20; anything else is 403 for a scoped key. */
export const SCOPE_GRANTS: { warehouse: readonly Action[]; channel: readonly Action[] } = {
  warehouse: ['order.read', 'order.list', 'order.event', 'return.read', 'return.receive', 'purchase_order.receive', 'transfer.ship', 'transfer.receive', 'count.read', 'count.write'],
  channel: ['order.create', 'order.read', 'order.list', 'order.hold', 'order.release', 'return.read', 'availability.read'],
};

const scopeKind = (scope: KeyScope): 'warehouse' | 'channel' => (scope.warehouseId !== undefined ? 'warehouse' : 'channel');

/** What an action touches, as far as the decision needs it. */
export interface Resource {
  /** The order acted on or read: its channel and the warehouses of its fulfillments. */
  order?: { channel: string; fulfillmentWarehouseIds: readonly string[] };
  /** An event's fulfillment, resolved: its warehouse; null when the event names none the caller can be held to. */
  fulfillmentWarehouseId?: string | null;
  /** The warehouse a document is received, shipped, counted at. */
  warehouseId?: string;
  /** The channel an order is created on, or whose availability is read. */
  channel?: string;
}

export type Decision = { allow: true } | { allow: false; status: 403 | 404; error: string; message: string };

const ALLOW: Decision = { allow: true };
const forbidden = (message: string): Decision => ({ allow: false, status: 403, error: 'forbidden', message });
// Another's order answers exactly like an order that does not exist: a scoped key learns nothing of it.
const hidden = (what: string): Decision => ({ allow: false, status: 404, error: 'not_found', message: `${what} not found` });

const who = (p: Principal): string => (p.scope ? `a ${p.role} key scoped to ${p.scope.warehouseId !== undefined ? `warehouse ${p.scope.warehouseId}` : `channel ${p.scope.channel}`}` : `the role "${p.role}"`);

/** Whether the principal may take the action at all (before any resource is known). */
export function mayTake(p: Principal, action: Action): boolean {
  if (!(ROLE_GRANTS[action] as readonly Role[]).includes(p.role)) return false;
  return p.scope === undefined || SCOPE_GRANTS[scopeKind(p.scope)].includes(action);
}

/** Who reads an order: its channel's key, the keys of warehouses it has a fulfillment at, every unscoped role. */
function readsOrder(p: Principal, order: NonNullable<Resource['order']>): boolean {
  if (p.scope === undefined) return true;
  if (p.scope.warehouseId !== undefined) return order.fulfillmentWarehouseIds.includes(p.scope.warehouseId);
  return order.channel === p.scope.channel;
}

export function decide(p: Principal, action: Action, resource: Resource = {}): Decision {
  if (!mayTake(p, action)) return forbidden(`${who(p)} may not ${action}`);
  const scope = p.scope;
  if (scope === undefined) return ALLOW;
  if (resource.order !== undefined && !readsOrder(p, resource.order)) return hidden('Order');
  if (scope.warehouseId !== undefined) {
    if (action === 'order.event' && resource.fulfillmentWarehouseId !== scope.warehouseId) {
      return forbidden(
        resource.fulfillmentWarehouseId === null || resource.fulfillmentWarehouseId === undefined
          ? `${who(p)} reports only on fulfillments at its warehouse: name one with fulfillmentId`
          : `${who(p)} may not report on a fulfillment at warehouse ${resource.fulfillmentWarehouseId}`,
      );
    }
    if (resource.warehouseId !== undefined && resource.warehouseId !== scope.warehouseId) {
      return forbidden(`${who(p)} may not ${action} at warehouse ${resource.warehouseId}`);
    }
    return ALLOW;
  }
  if (resource.channel !== undefined && resource.channel !== scope.channel) {
    // Creating on another channel is refused; another channel's availability is not the key's to see.
    return action === 'order.create' ? forbidden(`${who(p)} may not create orders on channel ${resource.channel}`) : hidden('Channel');
  }
  return ALLOW;
}

/** The filters a list is narrowed to, so a scoped key lists only what it may read. */
export function listScope(p: Principal): { channel?: string; warehouseId?: string } {
  if (p.scope === undefined) return {};
  return p.scope.warehouseId !== undefined ? { warehouseId: p.scope.warehouseId } : { channel: p.scope.channel };
}
