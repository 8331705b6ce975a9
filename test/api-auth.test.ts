import request from 'supertest';
import type { Role } from '../config/config';
import { createApp } from '../api/app';
import { createLogger } from '../platform/logger';
import { appServices, as, KEYS, startApi, uid, type ApiHarness, type TestApp } from './support/api-fixtures';

/** The role matrix of docs/design.md §6, written out independently of the code. */
const ALL: Role[] = ['system', 'support', 'ops', 'admin'];
interface Case {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  route: string;
  roles: Role[] | 'public';
  /** A body the route refuses (400) once auth passes: no side effects. */
  body?: object;
}
const missing = uid('nope');
const CASES: Case[] = [
  { method: 'post', path: '/orders', route: '/orders', roles: ['system', 'admin'], body: { channel: 'web' } },
  { method: 'get', path: '/orders', route: '/orders', roles: ALL },
  { method: 'get', path: `/orders/${missing}`, route: '/orders/:orderId', roles: ALL },
  { method: 'post', path: `/orders/${missing}/cancel`, route: '/orders/:orderId/cancel', roles: ['support', 'admin'], body: {} },
  { method: 'post', path: `/orders/${missing}/retry`, route: '/orders/:orderId/retry', roles: ['support', 'admin'], body: { x: 1 } },
  { method: 'post', path: `/orders/${missing}/events`, route: '/orders/:orderId/events', roles: ['system', 'admin'], body: { type: 'nope' } },
  { method: 'post', path: `/orders/${missing}/holds`, route: '/orders/:orderId/holds', roles: ['system', 'support', 'admin'], body: { reason: 'nope' } },
  { method: 'delete', path: `/orders/${missing}/holds/-bad`, route: '/orders/:orderId/holds/:holdId', roles: ['system', 'support', 'admin'] },
  { method: 'post', path: `/orders/${missing}/edits`, route: '/orders/:orderId/edits', roles: ['support', 'admin'], body: {} },
  { method: 'post', path: `/orders/${missing}/returns`, route: '/orders/:orderId/returns', roles: ['support', 'admin'], body: {} },
  { method: 'get', path: `/returns/${missing}`, route: '/returns/:returnId', roles: ALL },
  { method: 'post', path: `/returns/${missing}/receive`, route: '/returns/:returnId/receive', roles: ['system', 'admin'], body: {} },
  // Stock in motion (docs/design.md §15): admin opens and manages; the warehouse systems receive, ship and receive.
  { method: 'post', path: '/purchase-orders', route: '/purchase-orders', roles: ['admin'], body: {} },
  { method: 'get', path: '/purchase-orders', route: '/purchase-orders', roles: ALL },
  { method: 'get', path: `/purchase-orders/${missing}`, route: '/purchase-orders/:purchaseOrderId', roles: ALL },
  { method: 'post', path: `/purchase-orders/${missing}/receipts`, route: '/purchase-orders/:purchaseOrderId/receipts', roles: ['system', 'admin'], body: {} },
  { method: 'patch', path: `/purchase-orders/${missing}`, route: '/purchase-orders/:purchaseOrderId', roles: ['admin'], body: {} },
  { method: 'post', path: `/purchase-orders/${missing}/close`, route: '/purchase-orders/:purchaseOrderId/close', roles: ['admin'], body: {} },
  { method: 'post', path: `/purchase-orders/${missing}/cancel`, route: '/purchase-orders/:purchaseOrderId/cancel', roles: ['admin'], body: {} },
  { method: 'post', path: '/transfers', route: '/transfers', roles: ['admin'], body: {} },
  { method: 'get', path: '/transfers', route: '/transfers', roles: ALL },
  { method: 'get', path: `/transfers/${missing}`, route: '/transfers/:transferId', roles: ALL },
  { method: 'post', path: `/transfers/${missing}/ship`, route: '/transfers/:transferId/ship', roles: ['system', 'admin'], body: { x: 1 } },
  { method: 'post', path: `/transfers/${missing}/receive`, route: '/transfers/:transferId/receive', roles: ['system', 'admin'], body: {} },
  { method: 'post', path: `/transfers/${missing}/cancel`, route: '/transfers/:transferId/cancel', roles: ['admin'], body: {} },
  { method: 'put', path: `/warehouses/${missing}`, route: '/warehouses/:id', roles: ['admin'], body: {} },
  { method: 'post', path: `/warehouses/${missing}/signing-secret`, route: '/warehouses/:id/signing-secret', roles: ['admin'], body: {} },
  { method: 'get', path: '/warehouses', route: '/warehouses', roles: ALL },
  { method: 'put', path: `/skus/${missing}`, route: '/skus/:sku', roles: ['admin'], body: {} },
  { method: 'get', path: `/skus/${missing}`, route: '/skus/:sku', roles: ALL },
  { method: 'post', path: '/inventory/receipts', route: '/inventory/receipts', roles: ['admin'], body: {} },
  { method: 'post', path: '/inventory/adjustments', route: '/inventory/adjustments', roles: ['admin'], body: {} },
  { method: 'get', path: '/inventory/alerts', route: '/inventory/alerts', roles: ALL },
  { method: 'get', path: `/inventory/reconciliation?skus=${missing}`, route: '/inventory/reconciliation', roles: ALL },
  { method: 'get', path: `/inventory/${missing}`, route: '/inventory/:sku', roles: ALL },
  { method: 'get', path: `/inventory/${missing}/movements`, route: '/inventory/:sku/movements', roles: ALL },
  { method: 'get', path: '/metrics', route: '/metrics', roles: ALL },
  { method: 'post', path: '/webhooks', route: '/webhooks', roles: ['admin'], body: {} },
  { method: 'get', path: '/webhooks', route: '/webhooks', roles: ['admin'] },
  { method: 'delete', path: '/webhooks/whk_00000000000000000000', route: '/webhooks/:id', roles: ['admin'] },
  { method: 'get', path: '/webhooks/whk_00000000000000000000/deliveries', route: '/webhooks/:id/deliveries', roles: ['admin'] },
  { method: 'post', path: '/webhooks/whk_00000000000000000000/deliveries/1/redeliver', route: '/webhooks/:id/deliveries/:deliveryId/redeliver', roles: ['admin'] },
  { method: 'put', path: `/channels/${missing}`, route: '/channels/:channel', roles: ['admin'], body: {} },
  { method: 'get', path: '/channels', route: '/channels', roles: ALL },
  { method: 'get', path: `/channels/${missing}/availability`, route: '/channels/:channel/availability', roles: ALL },
  { method: 'post', path: '/counts', route: '/counts', roles: ['system', 'admin'], body: {} },
  { method: 'get', path: '/counts', route: '/counts', roles: ALL },
  { method: 'get', path: `/counts/${missing}`, route: '/counts/:id', roles: ALL },
  { method: 'post', path: `/counts/${missing}/approve`, route: '/counts/:id/approve', roles: ['admin'] },
  { method: 'post', path: `/counts/${missing}/reject`, route: '/counts/:id/reject', roles: ['admin'], body: {} },
  { method: 'get', path: '/health', route: '/health', roles: 'public' },
  { method: 'get', path: '/openapi.json', route: '/openapi.json', roles: 'public' },
  { method: 'get', path: '/docs', route: '/docs', roles: 'public' },
  // Public in the document (it must answer "auth is off" keyless), but with auth on it checks the key like any route.
  { method: 'get', path: '/whoami', route: '/whoami', roles: ALL },
];

function send(app: TestApp, c: Case, headers: Record<string, string>) {
  const req = request(app)[c.method](c.path).set(headers);
  return c.body ? req.send(c.body) : req;
}

describe('API: authentication and roles', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('the matrix covers every route the app serves', () => {
    const served = (h.express.router.stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>)
      .filter((l) => l.route)
      .flatMap((l) => Object.keys(l.route!.methods).map((m) => `${m} ${l.route!.path}`))
      .filter((r) => !r.startsWith('_all'));
    expect(new Set(served)).toEqual(new Set(CASES.map((c) => `${c.method} ${c.route}`)));
  });

  describe.each(CASES)('$method $route', (c) => {
    if (c.roles === 'public') {
      it('needs no key', async () => {
        const res = await send(h.app, c, {});
        expect([200, 503]).toContain(res.status);
      });
      return;
    }
    const allowed = c.roles;
    it(`401 without a key; allowed: ${allowed.join(', ')}; 403 for the others`, async () => {
      const anon = await send(h.app, c, {});
      expect(anon.status).toBe(401);
      expect(anon.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(anon.body.error).toBe('unauthorized');
      for (const role of ALL) {
        const res = await send(h.app, c, as(role));
        if (allowed.includes(role)) {
          expect({ role, status: res.status }).not.toEqual({ role, status: 401 });
          expect({ role, status: res.status }).not.toEqual({ role, status: 403 });
          expect(res.status).toBeLessThan(500);
        } else {
          expect({ role, status: res.status }).toEqual({ role, status: 403 });
          expect(res.body).toMatchObject({ error: 'forbidden', details: { role } });
        }
      }
    });
  });

  it('401 for an unknown key, a wrong scheme or an empty token', async () => {
    for (const header of [`Bearer ${KEYS.admin}x`, `Basic ${Buffer.from('a:b').toString('base64')}`, 'Bearer', 'Bearer ', KEYS.admin]) {
      const res = await request(h.app).get('/warehouses').set('Authorization', header);
      expect({ header, status: res.status }).toEqual({ header, status: 401 });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="fulfillment"/);
    }
    await request(h.app).get('/warehouses').set('Authorization', `bearer ${KEYS.ops}`).expect(200);
  });

  it('auth runs before body parsing: an anonymous malformed body is 401, not 400', async () => {
    const res = await request(h.app).post('/orders').set('Content-Type', 'application/json').send('{not json');
    expect(res.status).toBe(401);
  });
});

describe('API: authentication off (no API_KEYS)', () => {
  let h: ApiHarness;
  const lines: string[] = [];
  beforeAll(async () => {
    h = await startApi({ env: { API_KEYS: '' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('logs a warning at app creation and lets every caller in', async () => {
    const app = createApp({ config: h.config, ledger: h.ledger, records: h.records, client: h.client, ...appServices(h.client, h.ledger, h.records), logger: createLogger({ write: (l) => lines.push(l) }) });
    expect(lines.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ level: 'warn', msg: expect.stringMatching(/authentication is OFF/) })]);
    await request(app).get('/warehouses').expect(200);
    const res = await request(app).put(`/warehouses/${uid('wh')}`).send({ name: 'open' });
    expect(res.status).toBe(201);
    await request(h.app).get('/inventory/alerts').expect(200);
  });
});
