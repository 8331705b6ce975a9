/**
 * Holds and edits over HTTP, the parts that do not need the fulfillment workflow: request
 * validation, roles, unknown orders, 405. The lifecycle is in api-holds-edits.test.ts.
 */
import request from 'supertest';
import { as, startApi, uid, type ApiHarness } from './support/api-fixtures';

describe('API: holds and edits (validation)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const future = () => new Date(Date.now() + 3_600_000).toISOString();
  const hold = (orderId: string, body: unknown, role: 'system' | 'support' | 'ops' | 'admin' = 'support') =>
    request(h.app).post(`/orders/${orderId}/holds`).set(as(role)).send(body as object);
  const edit = (orderId: string, body: unknown, role: 'system' | 'support' | 'ops' | 'admin' = 'support') =>
    request(h.app).post(`/orders/${orderId}/edits`).set(as(role)).send(body as object);

  it('POST /holds: reason must be known, note ≤ 500, until an ISO date-time in the future, no other fields', async () => {
    const cases: Array<[string, unknown, string]> = [
      ['no reason', {}, 'reason'],
      ['unknown reason', { reason: 'because' }, 'reason'],
      ['long note', { reason: 'payment', note: 'x'.repeat(501) }, 'note'],
      ['until not a date', { reason: 'payment', until: 'tomorrow' }, 'until'],
      ['until in the past', { reason: 'payment', until: '2001-01-01T00:00:00Z' }, 'until'],
      ['unknown field', { reason: 'payment', holdId: 'mine' }, 'holdId'],
    ];
    for (const [name, body, path] of cases) {
      const res = await hold(uid('ord'), body);
      expect({ name, status: res.status, error: res.body.error }).toEqual({ name, status: 400, error: 'validation_failed' });
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'body', path })]));
    }
    const badKey = await hold(uid('ord'), { reason: 'payment' }).set('Idempotency-Key', 'bad key!');
    expect(badKey.status).toBe(400);
  });

  it('POST /holds and DELETE /holds/:holdId on an unknown order → 404', async () => {
    const res = await hold(uid('ord'), { reason: 'fraud_check', note: 'score 97', until: future() }, 'system');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
    const del = await request(h.app).delete(`/orders/${uid('ord')}/holds/hold-1`).set(as('support'));
    expect(del.status).toBe(404);
    expect(del.body.error).toBe('not_found');
    expect((await request(h.app).delete(`/orders/${uid('ord')}/holds/-bad`).set(as('support'))).status).toBe(400);
  });

  it('holds: system, support and admin; not ops', async () => {
    expect((await hold(uid('ord'), { reason: 'payment' }, 'ops')).status).toBe(403);
    expect((await request(h.app).delete(`/orders/${uid('ord')}/holds/hold-1`).set(as('ops'))).status).toBe(403);
    for (const role of ['system', 'support', 'admin'] as const) expect((await hold(uid('ord'), { reason: 'payment' }, role)).status).toBe(404);
  });

  it('POST /edits: at least one field, lines 1-100 with the order line rules, strict', async () => {
    const address = { name: 'Ada', line1: '1 Road', city: 'London', postalCode: 'N1', country: 'GB' };
    const cases: Array<[string, unknown, string]> = [
      ['empty body', {}, ''],
      ['empty lines', { lines: [] }, 'lines'],
      ['101 lines', { lines: Array.from({ length: 101 }, (_, i) => ({ sku: `S${i}`, quantity: 1 })) }, 'lines'],
      ['quantity 0', { lines: [{ sku: 'S', quantity: 0 }] }, 'lines.0.quantity'],
      ['bad country', { shippingAddress: { ...address, country: 'XX' } }, 'shippingAddress.country'],
      ['bad method', { shippingMethod: 'drone' }, 'shippingMethod'],
      ['unknown field', { shippingMethod: 'express', status: 'reserved' }, 'status'],
    ];
    for (const [name, body, path] of cases) {
      const res = await edit(uid('ord'), body);
      expect({ name, status: res.status, error: res.body.error }).toEqual({ name, status: 400, error: 'validation_failed' });
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'body', path })]));
    }
    expect((await request(h.app).post(`/orders/${uid('ord')}/edits`).set(as('support'))).status).toBe(400);
  });

  it('edits: support and admin only; unknown order → 404', async () => {
    expect((await edit(uid('ord'), { shippingMethod: 'express' }, 'system')).status).toBe(403);
    expect((await edit(uid('ord'), { shippingMethod: 'express' }, 'ops')).status).toBe(403);
    const res = await edit(uid('ord'), { lines: [{ sku: 'S1', quantity: 2 }] }, 'admin');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });

  it('events: fulfillmentId and rejected {reason} validate; rejected needs a reason', async () => {
    expect((await request(h.app).post(`/orders/${uid('ord')}/events`).set(as('system')).send({ type: 'rejected' })).status).toBe(400);
    expect((await request(h.app).post(`/orders/${uid('ord')}/events`).set(as('system')).send({ type: 'picked', fulfillmentId: 'bad id!' })).status).toBe(400);
    const ok = await request(h.app).post(`/orders/${uid('ord')}/events`).set(as('system')).send({ type: 'rejected', reason: 'no capacity', fulfillmentId: 'f-1' });
    expect(ok.status).toBe(404);
  });

  it('a method the hold paths do not serve → 405 with Allow', async () => {
    const list = await request(h.app).get(`/orders/${uid('ord')}/holds`).set(as('support'));
    expect(list.status).toBe(405);
    expect(list.headers.allow).toBe('POST');
    const post = await request(h.app).post(`/orders/${uid('ord')}/holds/hold-1`).set(as('support'));
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('DELETE');
    expect(post.body).toMatchObject({ error: 'method_not_allowed' });
  });
});
