/**
 * One authorization module (api/authorization.ts), every route through it: the table of role ×
 * scope × route below is read off the routes the app mounts, so a route added with the wrong
 * access, or an action granted to the wrong scope, fails here. Pure: no server, no database.
 */
import { admitted } from '../api/auth';
import { ACTIONS, decide, listScope, mayTake, SCOPE_GRANTS, type Action } from '../api/authorization';
import { authorize, eventWarehouse, orderResource } from '../api/access';
import type { ApiError } from '../api/errors';
import { shownTo } from '../api/personal-data';
import type { AnyRoute } from '../api/route';
import { catalogRoutes } from '../api/routes/catalog';
import { channelRoutes } from '../api/routes/channels';
import { docRoutes } from '../api/routes/docs';
import { editRoutes } from '../api/routes/edits';
import { eventRoutes } from '../api/routes/events';
import { healthRoutes } from '../api/routes/health';
import { holdRoutes } from '../api/routes/holds';
import { inventoryRoutes } from '../api/routes/inventory';
import { metricsRoutes } from '../api/routes/metrics';
import { orderRoutes } from '../api/routes/orders';
import { returnRoutes } from '../api/routes/returns';
import { webhookRoutes } from '../api/routes/webhooks';
import { whoamiRoutes } from '../api/routes/whoami';
import { loadConfig } from '../config/config';
import { actorOf, type Principal } from '../domain/principal';
import type { Fulfillment, OrderView } from '../domain/types';

const P: Record<string, Principal> = {
  y: { role: 'system', key: 'key_system' },
  s: { role: 'support', key: 'key_support' },
  o: { role: 'ops', key: 'key_ops' },
  a: { role: 'admin', key: 'key_admin' },
  w: { role: 'system', scope: { warehouseId: 'wh-a' }, key: 'key_wh' },
  c: { role: 'system', scope: { channel: 'web' }, key: 'key_ch' },
};

function allRoutes(): AnyRoute[] {
  const config = loadConfig({});
  const none = {} as never;
  const routes: AnyRoute[] = [
    ...whoamiRoutes({ keys: none }),
    ...healthRoutes({ ledger: none, gateway: none, timeoutMs: 1 }),
    ...orderRoutes({ config, gateway: none, store: none }),
    ...eventRoutes({ gateway: none, store: none }),
    ...holdRoutes({ gateway: none, store: none }),
    ...editRoutes({ gateway: none, limits: config.limits }),
    ...returnRoutes({ returns: none, store: none }),
    ...catalogRoutes({ ledger: none, integrationSecretSet: false, secrets: none, signingGraceMs: 0 }),
    ...inventoryRoutes({ ledger: none, stockWaker: none, closedOrdersCheck: none }),
    ...webhookRoutes({ db: none }),
    ...channelRoutes({ db: none }),
    ...metricsRoutes({ metrics: none }),
  ];
  return [...routes, ...docRoutes(() => routes)];
}

// Who gets past the route's gate: y system, s support, o ops, a admin, w warehouse key, c channel key.
const EXPECTED: Record<string, string> = {
  'GET /whoami': 'ysoawc',
  'GET /health': 'ysoawc',
  'GET /openapi.json': 'ysoawc',
  'GET /docs': 'ysoawc',
  'POST /orders': 'yac',
  'GET /orders': 'ysoawc',
  'GET /orders/:orderId': 'ysoawc',
  'POST /orders/:orderId/cancel': 'sa',
  'POST /orders/:orderId/retry': 'sa',
  'POST /orders/:orderId/events': 'yaw',
  'POST /orders/:orderId/holds': 'ysac',
  'DELETE /orders/:orderId/holds/:holdId': 'ysac',
  'POST /orders/:orderId/edits': 'sa',
  'POST /orders/:orderId/returns': 'sa',
  'GET /returns/:returnId': 'ysoawc',
  'POST /returns/:returnId/receive': 'yaw',
  'PUT /warehouses/:id': 'a',
  'POST /warehouses/:id/signing-secret': 'a',
  'GET /warehouses': 'ysoa',
  'PUT /skus/:sku': 'a',
  'GET /skus/:sku': 'ysoa',
  'POST /inventory/receipts': 'a',
  'POST /inventory/adjustments': 'a',
  'GET /inventory/alerts': 'ysoa',
  'GET /inventory/reconciliation': 'ysoa',
  'GET /inventory/:sku': 'ysoa',
  'GET /inventory/:sku/movements': 'ysoa',
  'POST /webhooks': 'a',
  'GET /webhooks': 'a',
  'DELETE /webhooks/:id': 'a',
  'GET /webhooks/:id/deliveries': 'a',
  'POST /webhooks/:id/deliveries/:deliveryId/redeliver': 'a',
  'PUT /channels/:channel': 'a',
  'GET /channels': 'ysoa',
  'GET /channels/:channel/availability': 'ysoac',
  'GET /metrics': 'ysoa',
};

describe('authorization: role × scope × route', () => {
  const routes = allRoutes();
  const table = Object.fromEntries(
    routes.map((r) => [
      `${r.method.toUpperCase()} ${r.path}`,
      Object.entries(P)
        .filter(([, p]) => r.access === 'public' || admitted(p, r.access))
        .map(([letter]) => letter)
        .join(''),
    ]),
  );

  it('every mounted route admits exactly the principals of the table', () => {
    expect(table).toEqual(EXPECTED);
  });

  it('a scoped key is admitted only to actions its scope grants, and only as a system key would be', () => {
    for (const action of ACTIONS) {
      expect(mayTake(P.w, action)).toBe(SCOPE_GRANTS.warehouse.includes(action) && mayTake(P.y, action));
      expect(mayTake(P.c, action)).toBe(SCOPE_GRANTS.channel.includes(action) && mayTake(P.y, action));
    }
  });

  it('a route declared with a role list (no action) never admits a scoped key', () => {
    expect(admitted(P.y, ['system'])).toBe(true);
    expect(admitted(P.w, ['system'])).toBe(false);
    expect(admitted(P.c, ['system', 'admin'])).toBe(false);
  });
});

const fulfillment = (fulfillmentId: string, warehouseId: string, status: Fulfillment['status'] = 'picking'): Fulfillment => ({ fulfillmentId, warehouseId, status, lines: [] });
const webOrder = { channel: 'web', fulfillments: [fulfillment('f1', 'wh-a'), fulfillment('f2', 'wh-b')] };
const amazonAtB = { channel: 'amazon', fulfillments: [fulfillment('f3', 'wh-b')] };

type Row = [who: keyof typeof P, action: Action, resource: Parameters<typeof decide>[2], expected: 200 | 403 | 404];
const RESOURCE_ROWS: Row[] = [
  // Warehouse key: events on its own fulfillments only; orders it has no fulfillment in do not exist for it.
  ['w', 'order.event', { order: orderResource(webOrder), fulfillmentWarehouseId: eventWarehouse(webOrder, 'f1') }, 200],
  ['w', 'order.event', { order: orderResource(webOrder), fulfillmentWarehouseId: eventWarehouse(webOrder, 'f2') }, 403],
  ['w', 'order.event', { order: orderResource(webOrder), fulfillmentWarehouseId: eventWarehouse(webOrder, undefined) }, 403],
  ['w', 'order.event', { order: orderResource(webOrder), fulfillmentWarehouseId: eventWarehouse(webOrder, 'nope') }, 403],
  ['w', 'order.event', { order: orderResource(amazonAtB), fulfillmentWarehouseId: eventWarehouse(amazonAtB, 'f3') }, 404],
  ['w', 'order.read', { order: orderResource(webOrder) }, 200],
  ['w', 'order.read', { order: orderResource(amazonAtB) }, 404],
  ['w', 'order.create', { channel: 'web' }, 403],
  ['w', 'order.hold', { order: orderResource(webOrder) }, 403],
  ['w', 'order.release', { order: orderResource(webOrder) }, 403],
  ['w', 'return.receive', { warehouseId: 'wh-a' }, 200],
  ['w', 'return.receive', { warehouseId: 'wh-b' }, 403],
  ['w', 'purchase_order.receive', { warehouseId: 'wh-a' }, 200],
  ['w', 'purchase_order.receive', { warehouseId: 'wh-b' }, 403],
  ['w', 'transfer.ship', { warehouseId: 'wh-b' }, 403],
  ['w', 'transfer.receive', { warehouseId: 'wh-a' }, 200],
  ['w', 'count.write', { warehouseId: 'wh-b' }, 403],
  ['w', 'availability.read', { channel: 'web' }, 403],
  // Channel key: creates on its channel; reads, holds, releases its own orders; the rest are 404.
  ['c', 'order.create', { channel: 'web' }, 200],
  ['c', 'order.create', { channel: 'amazon' }, 403],
  ['c', 'order.read', { order: orderResource(webOrder) }, 200],
  ['c', 'order.read', { order: orderResource(amazonAtB) }, 404],
  ['c', 'order.hold', { order: orderResource(amazonAtB) }, 404],
  ['c', 'order.release', { order: orderResource(webOrder) }, 200],
  ['c', 'order.event', { order: orderResource(webOrder), fulfillmentWarehouseId: 'wh-a' }, 403],
  ['c', 'order.cancel', { order: orderResource(webOrder) }, 403],
  ['c', 'return.receive', { warehouseId: 'wh-a' }, 403],
  ['c', 'availability.read', { channel: 'web' }, 200],
  ['c', 'availability.read', { channel: 'amazon' }, 404],
  ['c', 'purchase_order.receive', { warehouseId: 'wh-a' }, 403],
  // Unscoped keys keep today's rights whatever the resource.
  ['y', 'order.event', { order: orderResource(amazonAtB), fulfillmentWarehouseId: 'wh-b' }, 200],
  ['y', 'order.create', { channel: 'amazon' }, 200],
  ['y', 'return.receive', { warehouseId: 'wh-b' }, 200],
  ['o', 'order.read', { order: orderResource(amazonAtB) }, 200],
  ['o', 'order.hold', { order: orderResource(webOrder) }, 403],
  ['s', 'order.release', { order: orderResource(amazonAtB) }, 200],
];

describe('authorization: the resource decides for scoped keys', () => {
  it.each(RESOURCE_ROWS)('%s %s %j → %s', (who, action, resource, expected) => {
    const d = decide(P[who], action, resource);
    expect(d.allow ? 200 : d.status).toBe(expected);
  });

  it('authorize throws the decision as the API error', () => {
    const thrown = (fn: () => void): ApiError | undefined => {
      try {
        fn();
      } catch (err) {
        return err as ApiError;
      }
      return undefined;
    };
    expect(thrown(() => authorize(P.w, 'order.read', { order: orderResource(amazonAtB) }))).toMatchObject({ status: 404, code: 'not_found' });
    expect(thrown(() => authorize(P.c, 'order.create', { channel: 'amazon' }))).toMatchObject({ status: 403, code: 'forbidden' });
    expect(() => authorize(P.c, 'order.create', { channel: 'web' })).not.toThrow();
  });

  it('a fulfillment left unnamed is the one warehouse every live fulfillment is at', () => {
    const oneLive = { fulfillments: [fulfillment('f1', 'wh-a'), fulfillment('f2', 'wh-b', 'rejected')] };
    expect(eventWarehouse(oneLive, undefined)).toBe('wh-a');
    expect(eventWarehouse(webOrder, undefined)).toBeNull();
  });

  it('lists are narrowed to the scope', () => {
    expect(listScope(P.w)).toEqual({ warehouseId: 'wh-a' });
    expect(listScope(P.c)).toEqual({ channel: 'web' });
    expect(listScope(P.s)).toEqual({});
  });

  it('an actor names role, scope and fingerprint, never more', () => {
    expect(actorOf(P.w)).toEqual({ role: 'system', scope: 'warehouse=wh-a', key: 'key_wh' });
    expect(actorOf(P.s)).toEqual({ role: 'support', key: 'key_support' });
  });
});

describe('personal data by role', () => {
  const view = {
    customer: { id: 'c1', email: 'ada@example.com', name: 'Ada' },
    shippingAddress: { name: 'Ada', line1: '12 St James Square', line2: 'Flat 2', city: 'London', region: 'LND', postalCode: 'SW1Y 4JH', country: 'GB' },
  } as Pick<OrderView, 'customer' | 'shippingAddress'>;

  it('ops: customer id, city, region, postal code, country; the other fields absent', () => {
    const shown = shownTo(P.o, view);
    expect(shown).toEqual({ customer: { id: 'c1' }, shippingAddress: { city: 'London', region: 'LND', postalCode: 'SW1Y 4JH', country: 'GB' } });
    expect(Object.keys(shown.shippingAddress)).not.toContain('line1');
  });

  it('a warehouse key: the whole address it ships to, not the customer’s name or email', () => {
    expect(shownTo(P.w, view)).toEqual({ customer: { id: 'c1' }, shippingAddress: view.shippingAddress });
  });

  it.each(['y', 's', 'a', 'c'] as const)('%s sees everything', (who) => {
    expect(shownTo(P[who], view)).toEqual(view);
  });
});
