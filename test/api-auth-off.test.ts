/**
 * Authentication off (no API_KEYS; docs/design.md §20, "Auth off"): only this machine's own
 * names are served, and every write must be sent as JSON — what a web page in the developer's
 * browser cannot do without a CORS preflight the API never grants.
 */
import request from 'supertest';
import { startApi, uid, type ApiHarness } from './support/api-fixtures';

describe('auth off: Host allow-list and JSON writes', () => {
  let h: ApiHarness;
  let on: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ env: { API_KEYS: '' } });
    on = await startApi();
  });
  afterAll(async () => {
    await h?.stop();
    await on?.stop();
  });

  it('a Host other than localhost, 127.0.0.1 or [::1] → 403 host_not_allowed, on every kind of route', async () => {
    expect(h.config.apiKeys.size).toBe(0);
    for (const host of ['evil.example', 'evil.example:3000', 'localhost.evil.example', '127.0.0.1.nip.io', '192.168.1.5:3000', '[::2]:3000']) {
      for (const path of ['/health', '/orders', '/docs', '/console/']) {
        const res = await request(h.app).get(path).set('Host', host);
        expect([host, path, res.status, res.body.error]).toEqual([host, path, 403, 'host_not_allowed']);
      }
    }
    const post = await request(h.app).post('/orders').set('Host', 'evil.example').set('content-type', 'application/json').send({});
    expect([post.status, post.body.error]).toEqual([403, 'host_not_allowed']);
  });

  it('localhost, 127.0.0.1 and [::1] on any port work as before (curl localhost:3000/…)', async () => {
    for (const host of ['localhost', 'localhost:3000', 'LOCALHOST:3000', '127.0.0.1:3000', '127.0.0.1', '[::1]:3000', '[::1]']) {
      const res = await request(h.app).get('/whoami').set('Host', host);
      expect([host, res.status]).toEqual([host, 200]);
    }
  });

  it('a write without Content-Type: application/json → 415, body or not; with it, the route decides', async () => {
    const orderId = uid('o');
    // A plain HTML form: urlencoded, or multipart, or text/plain — all refused before any route runs.
    const form = await request(h.app).post(`/orders/${orderId}/retry`).set('Host', 'localhost:3000').type('form').send('x=1');
    expect([form.status, form.body.error]).toEqual([415, 'unsupported_media_type']);
    const plain = await request(h.app).post(`/orders/${orderId}/cancel`).set('Host', 'localhost:3000').set('content-type', 'text/plain').send('{"reason":"x"}');
    expect([plain.status, plain.body.error]).toEqual([415, 'unsupported_media_type']);
    const bare = await request(h.app).post(`/orders/${orderId}/retry`).set('Host', 'localhost:3000');
    expect([bare.status, bare.body.error]).toEqual([415, 'unsupported_media_type']);
    const redeliver = await request(h.app).post('/webhooks/whk_x/deliveries/1/redeliver').set('Host', '127.0.0.1:3000');
    expect([redeliver.status, redeliver.body.error]).toEqual([415, 'unsupported_media_type']);
    const del = await request(h.app).delete('/webhooks/whk_x').set('Host', '127.0.0.1:3000');
    expect([del.status, del.body.error]).toEqual([415, 'unsupported_media_type']);
    // The same body-less POST as JSON reaches the route (the order does not exist: 404).
    const json = await request(h.app).post(`/orders/${orderId}/retry`).set('Host', 'localhost:3000').set('content-type', 'application/json');
    expect(json.status).toBe(404);
    const created = await request(h.app).put(`/warehouses/${uid('wh')}`).set('Host', 'localhost:3000').set('content-type', 'application/json; charset=utf-8').send({ name: 'W' });
    expect(created.status).toBe(201);
    // Reads need nothing.
    await request(h.app).get('/warehouses').set('Host', 'localhost:3000').expect(200);
  });

  it('with authentication on, neither check applies (keys decide)', async () => {
    const res = await request(on.app).get('/health').set('Host', 'api.example.com');
    expect(res.status).not.toBe(403);
    const retry = await request(on.app).post(`/orders/${uid('o')}/retry`).set('Host', 'api.example.com').set({ Authorization: 'Bearer key-support-0123456789' });
    expect(retry.status).toBe(404);
  });
});
