import type { OrderRecords } from '../orders';
import request from 'supertest';
import type { Ledger } from '../ledger/types';
import { createLedger } from '../ledger/ledger';
import knexFactory from 'knex';
import { createApp } from '../api/app';
import { createLogger } from '../platform/logger';
import { ORDER_STATUSES } from '../domain/types';
import { apiTestConfig, appServices, as, orderBody, startApi, uid, unreachableTemporalClient, type ApiHarness } from './support/api-fixtures';

/** A ledger every call of which fails the test: proves bad input never reaches it. */
const untouchableLedger = (): { ledger: Ledger; calls: string[] } => {
  const calls: string[] = [];
  const ledger = new Proxy({} as Ledger, {
    get: (_t, name) => async () => {
      calls.push(String(name));
      throw new Error(`ledger.${String(name)} must not be called`);
    },
  });
  return { ledger, calls };
};

const valid = () => orderBody([{ sku: 'SKU-1', quantity: 1 }]);

// One client for the whole file: lazy connections to the same address share a gRPC
// channel, so closing one early would break the others.
const unreachable = unreachableTemporalClient();
afterAll(async () => {
  await unreachable.connection.close();
});

describe('API: bad input never reaches Temporal or the ledger', () => {
  const { ledger, calls } = untouchableLedger();
  const app = createApp({ config: apiTestConfig(), ledger, records: {} as OrderRecords, client: unreachable, ...appServices(unreachable, ledger, {} as OrderRecords, 500), logger: createLogger({ write: () => undefined }), timeouts: { rpcMs: 500 } });
  afterAll(() => {
    expect(calls).toEqual([]);
  });

  const post = (path: string) => request(app).post(path).set(as('admin'));

  it('malformed JSON → 400 malformed_json; non-object JSON → 400', async () => {
    const res = await post('/orders').set('Content-Type', 'application/json').send('{"channel": "web",');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'malformed_json', message: expect.any(String) });
    expect((await post('/orders').set('Content-Type', 'application/json').send('"a string"')).status).toBe(400);
    expect((await post('/orders').set('Content-Type', 'application/json').send('[1,2]')).status).toBe(400);
  });

  it('a body over 100 kB → 413', async () => {
    const res = await post('/orders').send({ ...valid(), padding: 'x'.repeat(110 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('payload_too_large');
  });

  it('a non-JSON content type on a body route → 415', async () => {
    for (const [type, body] of [
      ['text/plain', 'hello'],
      ['application/x-www-form-urlencoded', 'channel=web'],
      ['application/xml', '<order/>'],
    ]) {
      const res = await post('/orders').set('Content-Type', type).send(body);
      expect({ type, status: res.status }).toEqual({ type, status: 415 });
      expect(res.body.error).toBe('unsupported_media_type');
    }
    const res = await post('/inventory/receipts').set('Content-Type', 'application/json; charset=latin1').send('{}');
    expect(res.status).toBe(415);
  });

  it('no body where one is required → 400', async () => {
    const res = await post('/orders');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'validation_failed', details: [{ in: 'body', path: '', message: 'a JSON body is required' }] });
  });

  it('schema violations → 400 validation_failed with one {path, message} per problem', async () => {
    const cases: Array<[string, (b: Record<string, unknown>) => unknown, string]> = [
      ['server-owned field', (b) => ({ ...b, status: 'delivered' }), 'status'],
      ['unknown nested field', (b) => ({ ...b, customer: { id: 'c', vip: true } }), 'customer.vip'],
      ['country not ISO 3166', (b) => ({ ...b, shippingAddress: { ...(b.shippingAddress as object), country: 'XX' } }), 'shippingAddress.country'],
      ['country in lower case', (b) => ({ ...b, shippingAddress: { ...(b.shippingAddress as object), country: 'gb' } }), 'shippingAddress.country'],
      ['country reserved (UK)', (b) => ({ ...b, shippingAddress: { ...(b.shippingAddress as object), country: 'UK' } }), 'shippingAddress.country'],
      ['no lines', (b) => ({ ...b, lines: [] }), 'lines'],
      ['101 lines', (b) => ({ ...b, lines: Array.from({ length: 101 }, (_, i) => ({ sku: `S${i}`, quantity: 1 })) }), 'lines'],
      ['quantity 0', (b) => ({ ...b, lines: [{ sku: 'S', quantity: 0 }] }), 'lines.0.quantity'],
      ['fractional quantity', (b) => ({ ...b, lines: [{ sku: 'S', quantity: 1.5 }] }), 'lines.0.quantity'],
      ['quantity as string', (b) => ({ ...b, lines: [{ sku: 'S', quantity: '2' }] }), 'lines.0.quantity'],
      ['orderId with a slash', (b) => ({ ...b, orderId: 'a/b' }), 'orderId'],
      ['orderId too long', (b) => ({ ...b, orderId: 'a'.repeat(65) }), 'orderId'],
      ['orderId with a space', (b) => ({ ...b, orderId: 'a b' }), 'orderId'],
      ['bad shippingMethod', (b) => ({ ...b, shippingMethod: 'overnight' }), 'shippingMethod'],
      ['bad email', (b) => ({ ...b, customer: { id: 'c', email: 'not-an-email' } }), 'customer.email'],
      ['customer id with a double quote', (b) => ({ ...b, customer: { id: 'a"b' } }), 'customer.id'],
      ['missing channel', ({ channel: _c, ...rest }) => rest, 'channel'],
      ['missing city', (b) => ({ ...b, shippingAddress: { ...(b.shippingAddress as object), city: undefined } }), 'shippingAddress.city'],
      ['control character', (b) => ({ ...b, shippingAddress: { ...(b.shippingAddress as object), line1: 'a\u0000b' } }), 'shippingAddress.line1'],
    ];
    for (const [name, mutate, path] of cases) {
      const res = await post('/orders').send(mutate(valid()) as object);
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
      expect(res.body).toMatchObject({ error: 'validation_failed', message: expect.any(String) });
      expect({ name, paths: res.body.details.map((d: { path: string }) => d.path) }).toEqual({ name, paths: expect.arrayContaining([path]) });
      for (const d of res.body.details) expect(d).toEqual(expect.objectContaining({ in: expect.any(String), path: expect.any(String), message: expect.any(String) }));
    }
    const several = await post('/orders').send({ ...valid(), channel: '', lines: [{ sku: '', quantity: -1 }] });
    expect(several.body.details.length).toBeGreaterThanOrEqual(3);
  });

  it('every ISO country is accepted by the schema, and only those', async () => {
    const { createOrderBodySchema } = await import('../api/schemas');
    const dn = new Intl.DisplayNames(['en'], { type: 'region' });
    const accepted = [];
    for (let a = 65; a <= 90; a++)
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const body = { ...valid(), shippingAddress: { ...(valid().shippingAddress as object), country: code } };
        if (createOrderBodySchema.safeParse(body).success) accepted.push(code);
      }
    expect(accepted).toHaveLength(249);
    for (const code of accepted) expect(dn.of(code)).not.toBe(code);
    expect(accepted).toEqual(expect.arrayContaining(['DE', 'GB', 'US', 'FR', 'JP', 'SS', 'AX', 'BQ']));
    expect(accepted).not.toEqual(expect.arrayContaining(['UK']));
  });

  it('validates path, query and body of the other routes too', async () => {
    expect((await post(`/orders/${'x'.repeat(70)}/cancel`).send({ reason: 'r' })).status).toBe(400);
    expect((await post('/orders/ok/events').send({ type: 'shipped', carrier: 'DHL' })).status).toBe(400);
    expect((await request(app).put('/warehouses/w1').set(as('admin')).send({ name: 'W', priority: -1 })).status).toBe(400);
    expect((await request(app).put('/skus/s1').set(as('admin')).send({ name: 'S', reorderPoint: 1.5 })).status).toBe(400);
    expect((await post('/inventory/adjustments').send({ warehouseId: 'w', sku: 's', delta: 1 })).status).toBe(400);
    expect((await request(app).get('/orders?limit=1000').set(as('ops'))).status).toBe(400);
    expect((await request(app).get(`/orders/${encodeURIComponent('a b')}`).set(as('ops'))).status).toBe(400);
    expect((await post('/orders').set('Idempotency-Key', 'bad key!').send(valid())).status).toBe(400);
    expect((await request(app).get(`/orders?status=${ORDER_STATUSES.join(',')}x`).set(as('ops'))).status).toBe(400);
  });

  it('unknown route → 404 in the error shape', async () => {
    for (const [method, path] of [
      ['get', '/nope'],
      ['post', '/inventory'],
      ['get', '/orders/abc/cancel/more'],
    ] as const) {
      const res = await request(app)[method](path).set(as('admin'));
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      expect(res.body).toEqual({ error: 'not_found', message: expect.any(String) });
    }
  });

  it('a method the path does not serve → 405 with Allow, in the error shape', async () => {
    for (const [method, path, allow] of [
      ['delete', '/orders/abc', 'GET, HEAD'],
      ['patch', '/warehouses/w1', 'PUT'],
      ['get', '/orders/abc/cancel', 'POST'],
      ['put', '/orders', 'GET, HEAD, POST'],
      ['get', '/orders/abc/holds', 'POST'],
      ['post', '/orders/abc/holds/h1', 'DELETE'],
    ] as const) {
      const res = await request(app)[method](path).set(as('admin'));
      expect({ method, path, status: res.status, allow: res.headers.allow }).toEqual({ method, path, status: 405, allow });
      expect(res.body).toEqual({ error: 'method_not_allowed', message: expect.any(String), details: { allowed: allow.split(', ') } });
    }
  });
});

describe('API: failures of the layers below', () => {
  it('an internal error → 500 with the request id, no stack trace; the log line has the stack', async () => {
    const lines: string[] = [];
    const { ledger } = untouchableLedger();
    const boom = new Proxy(ledger, {
      get: (t, name) => (name === 'listWarehouses' ? async () => Promise.reject(new Error('boom: secret detail')) : Reflect.get(t, name)),
    });
    const app = createApp({ config: apiTestConfig(), ledger: boom, records: {} as OrderRecords, client: unreachable, ...appServices(unreachable, boom, {} as OrderRecords), logger: createLogger({ write: (l) => lines.push(l) }) });
    const res = await request(app).get('/warehouses').set(as('ops')).set('X-Request-Id', 'req-500-test');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'internal_error', message: 'Internal error', details: { requestId: 'req-500-test' } });
    expect(res.text).not.toMatch(/boom|secret|at .*\.ts/);
    expect(res.headers['x-request-id']).toBe('req-500-test');
    const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.requestId === 'req-500-test');
    expect(logged).toEqual(
      expect.arrayContaining([expect.objectContaining({ level: 'error', err: expect.objectContaining({ message: 'boom: secret detail', stack: expect.any(String) }) })]),
    );
  });

  describe('PostgreSQL unreachable', () => {
    let h: ApiHarness;
    const noop = () => undefined;
    const knex = knexFactory({
      client: 'pg',
      connection: { connectionString: 'postgres://postgres@127.0.0.1:1/nowhere', connectionTimeoutMillis: 1_000 },
      pool: { min: 0, max: 2 },
      acquireConnectionTimeout: 2_000,
      log: { warn: noop, error: noop, debug: noop, deprecate: noop },
    });
    beforeAll(async () => {
      h = await startApi({ override: (deps) => ({ ...deps, ledger: createLedger(knex) }), timeouts: { healthMs: 3_000 } });
    });
    afterAll(async () => {
      await h?.stop();
      await knex.destroy();
    });

    it('ledger routes → 503; /health → 503 naming postgres', async () => {
      const res = await request(h.app).get('/warehouses').set(as('ops'));
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: 'service_unavailable', message: expect.stringMatching(/PostgreSQL/) });
      const health = await request(h.app).get('/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'unavailable', temporal: 'ok', postgres: 'unreachable', error: 'service_unavailable' });
    });
  });

  describe('Temporal unreachable', () => {
    let h: ApiHarness;
    beforeAll(async () => {
      h = await startApi({ override: (deps) => ({ ...deps, client: unreachable }), timeouts: { rpcMs: 1_000, queryMs: 1_000, updateMs: 1_000, healthMs: 1_000 } });
    });
    afterAll(async () => {
      await h?.stop();
    });

    it('starts and updates → 503; reads answer from the records; /health → 503 naming temporal; the ledger routes still work', async () => {
      const orderId = uid('o');
      const start = await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku: 'S', quantity: 1 }], { orderId }));
      expect(start.status).toBe(503);
      expect(start.body.error).toBe('service_unavailable');
      // The order was recorded before the start failed: a re-sent POST starts it once Temporal is back.
      expect((await request(h.app).get(`/orders/${orderId}`).set(as('ops'))).body).toMatchObject({ orderId, status: 'received' });
      expect((await request(h.app).get('/orders').set(as('ops'))).status).toBe(200);
      expect((await request(h.app).get(`/orders/${uid('o')}`).set(as('ops'))).status).toBe(404);
      expect((await request(h.app).post(`/orders/${uid('o')}/cancel`).set(as('support')).send({ reason: 'x' })).status).toBe(503);
      const health = await request(h.app).get('/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'unavailable', temporal: 'unreachable', postgres: 'ok', message: expect.stringMatching(/Temporal/) });
      await request(h.app).get('/warehouses').set(as('ops')).expect(200);
    });
  });

  describe('both reachable', () => {
    let h: ApiHarness;
    const lines: string[] = [];
    beforeAll(async () => {
      h = await startApi({ logger: createLogger({ level: 'debug', write: (l) => lines.push(l) }) });
    });
    afterAll(async () => {
      await h?.stop();
    });

    it('/health → 200 {status, temporal, postgres} all ok', async () => {
      const res = await request(h.app).get('/health').expect(200);
      expect(res.body).toEqual({ status: 'ok', temporal: 'ok', postgres: 'ok' });
    });

    it('X-Request-Id: honoured when sane, else generated; on every log line of the request', async () => {
      const honoured = await request(h.app).get('/warehouses').set(as('ops')).set('X-Request-Id', 'abc-123.x:y');
      expect(honoured.headers['x-request-id']).toBe('abc-123.x:y');
      for (const insane of ['has space', 'x'.repeat(129), '<script>']) {
        const res = await request(h.app).get('/warehouses').set(as('ops')).set('X-Request-Id', insane);
        expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      }
      const generated = await request(h.app).get('/nope');
      expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

      lines.length = 0;
      await request(h.app).post('/orders').set(as('system')).set('X-Request-Id', 'trace-me').send({ bad: true }).expect(400);
      const parsed = lines.map((l) => JSON.parse(l));
      expect(parsed.length).toBeGreaterThanOrEqual(2);
      for (const line of parsed) expect(line).toMatchObject({ requestId: 'trace-me', time: expect.any(String), level: expect.any(String), msg: expect.any(String) });
      expect(parsed).toEqual(expect.arrayContaining([expect.objectContaining({ msg: 'request', status: 400, method: 'POST', path: '/orders', role: 'system' })]));
    });
  });
});
