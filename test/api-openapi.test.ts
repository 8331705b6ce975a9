import type { OrderRecords } from '../orders';
import request from 'supertest';
import { createApp } from '../api/app';
import { silentLogger } from '../platform/logger';
import type { Ledger } from '../ledger/types';
import { apiTestConfig, appServices, as, unreachableTemporalClient } from './support/api-fixtures';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; security: unknown[]; responses: Record<string, unknown>; 'x-roles': string[]; parameters?: Array<{ name: string; in: string }>; requestBody?: unknown }>>;
  components: { schemas: Record<string, unknown> };
};

describe('API: OpenAPI document and docs page', () => {
  const client = unreachableTemporalClient();
  const app = createApp({ config: apiTestConfig(), ledger: {} as Ledger, records: {} as OrderRecords, client, ...appServices(client, {} as Ledger, {} as OrderRecords), logger: silentLogger });
  let doc: Doc;
  beforeAll(async () => {
    const res = await request(app).get('/openapi.json').expect(200).expect('Content-Type', /application\/json/);
    doc = res.body;
  });
  afterAll(async () => {
    await client.connection.close();
  });

  /** Every route the express router serves, as "method /openapi/{path}". */
  const served = () =>
    (app.router.stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>)
      .filter((layer) => layer.route)
      .flatMap((layer) => Object.keys(layer.route!.methods).map((m) => `${m} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`));

  it('is OpenAPI 3.1 and lists exactly the routes the app serves', () => {
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(served().length).toBeGreaterThanOrEqual(19);
    expect(new Set(documented)).toEqual(new Set(served()));
    expect(documented).toHaveLength(new Set(documented).size);
  });

  it('covers the contract table of docs/design.md §6', () => {
    const contract = [
      'post /orders',
      'get /orders/{orderId}',
      'get /orders',
      'post /orders/{orderId}/cancel',
      'post /orders/{orderId}/retry',
      'post /orders/{orderId}/events',
      'put /warehouses/{id}',
      'get /warehouses',
      'put /skus/{sku}',
      'get /skus/{sku}',
      'post /inventory/receipts',
      'post /inventory/adjustments',
      'get /inventory/{sku}',
      'get /inventory/{sku}/movements',
      'get /inventory/reconciliation',
      'get /health',
      'get /openapi.json',
    ];
    for (const op of contract) {
      const [method, path] = op.split(' ');
      expect({ op, documented: !!doc.paths[path]?.[method] }).toEqual({ op, documented: true });
    }
  });

  it('every $ref resolves; every operation has an id, responses and its roles', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const id = ref.slice('"$ref":"#/components/schemas/'.length, -1);
      expect(doc.components.schemas).toHaveProperty([id]);
    }
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.operationId).toEqual(expect.any(String));
        ids.add(op.operationId);
        expect(Object.keys(op.responses).length).toBeGreaterThan(1);
        const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect((op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name)).toEqual(pathParams);
        if (['/health', '/openapi.json', '/docs', '/whoami'].includes(path)) expect(op.security).toEqual([]);
        else {
          expect(op['x-roles']).toEqual(expect.arrayContaining(['admin']));
          expect(op.responses).toHaveProperty(['401']);
          expect(op.responses).toHaveProperty(['403']);
        }
        if (method === 'post' || method === 'put') expect(op.responses).toHaveProperty(['415']);
      }
    }
    expect(ids.size).toBe(served().length);
  });

  it('the order body schema comes from zod: strict, ISO countries, 1-100 lines', () => {
    const schemas = doc.components.schemas as Record<string, { additionalProperties?: boolean; properties: Record<string, Record<string, unknown>>; required?: string[] }>;
    const order = schemas.CreateOrderRequest;
    expect(order.additionalProperties).toBe(false);
    expect(order.required).toEqual(expect.arrayContaining(['channel', 'customer', 'shippingAddress', 'lines']));
    expect(order.properties.lines).toMatchObject({ minItems: 1, maxItems: 100 });
    expect((schemas.ShippingAddress.properties.country.enum as string[]).length).toBe(249);
    expect(schemas.OrderLine.properties.quantity).toMatchObject({ type: 'integer', minimum: 1 });
    expect(doc.paths['/orders'].post.requestBody).toMatchObject({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateOrderRequest' } } } });
    expect(doc.paths['/orders'].post.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })]));
    expect(doc.paths['/orders'].get.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['status', 'customerId', 'sku', 'channel', 'warehouseId', 'limit', 'cursor']),
    );
  });

  it('GET /docs is Swagger UI over /openapi.json, every asset served by the API (no CDN, no inline script)', async () => {
    const res = await request(app).get('/docs').expect(200).expect('Content-Type', /text\/html/);
    const html = res.text;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/src="http|href="http|@import|<script>/i);
    const assets = [...html.matchAll(/(?:src|href)="(\/docs\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets).toEqual(expect.arrayContaining(['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css', '/docs/assets/docs-init.js']));
    for (const asset of assets) await request(app).get(asset).expect(200);
    const init = await request(app).get('/docs/assets/docs-init.js').expect('Content-Type', /javascript/);
    expect(init.text).toContain("url: '/openapi.json'");
    // The package's own petstore initializer and index page are not served.
    await request(app).get('/docs/assets/swagger-initializer.js').expect(404);
  });

  it('GET /console: the built console (index.html for its own routes), or a 503 page that says how to build it', async () => {
    const unbuilt = createApp({ config: apiTestConfig(), ledger: {} as Ledger, records: {} as OrderRecords, client, ...appServices(client, {} as Ledger, {} as OrderRecords), logger: silentLogger, consoleDir: '/nonexistent/console' });
    const missing = await request(unbuilt).get('/console/orders/x').expect(503).expect('Content-Type', /text\/html/);
    expect(missing.text).toContain('npm run build');
    // jest's global setup built dist/console.
    const page = await request(app).get('/console/orders/some-order').expect(200).expect('Content-Type', /text\/html/);
    expect(page.text).toMatch(/<script type="module" crossorigin src="\/console\/assets\/[^"]+\.js">/);
    await request(app).get('/console/assets/nope.js').expect(404);
  });

  it('GET /whoami answers the key\'s role (public route; 401 for a missing key when auth is on)', async () => {
    expect(doc.paths['/whoami'].get.security).toEqual([]);
    await request(app).get('/whoami').set(as('support')).expect(200, { role: 'support', auth: 'on' });
    await request(app).get('/whoami').set(as('ops')).expect(200, { role: 'ops', auth: 'on' });
    const missing = await request(app).get('/whoami').expect(401);
    expect(missing.body.error).toBe('unauthorized');
    const unknown = await request(app).get('/whoami').set('Authorization', 'Bearer nope').expect(401);
    expect(unknown.body.message).toBe('Unknown API key');
    const open = createApp({ config: apiTestConfig({ API_KEYS: '' }), ledger: {} as Ledger, records: {} as OrderRecords, client, ...appServices(client, {} as Ledger, {} as OrderRecords), logger: silentLogger });
    await request(open).get('/whoami').expect(200, { role: 'admin', auth: 'off' });
  });
});
