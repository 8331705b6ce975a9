/**
 * Subscriptions over HTTP, emitEvent, the dispatcher and the availability watcher against
 * real receivers on loopback (support/webhook-testbed.ts: the suites that run dispatchers share
 * one retry policy, since each claims the others' deliveries too).
 */
import request from 'supertest';
import type { Knex } from 'knex';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/event-types';
import { emitEvent, type EmitInput } from '../webhooks/outbox';
import { drainMarks } from '../webhooks/availability-watcher';
import { deliveryAttempts } from '../webhooks/delivery-log';
import { orderEventsFor } from '../webhooks/order-events';
import { SHIP_BY_MISSED_NOTE } from '../domain/ship-by';
import type { OrderView } from '../domain/types';
import { as, seedStock, uid, type ApiHarness } from './support/api-fixtures';
import { eventually } from './support/temporal';
import { closedPort } from './support/webhook-receiver';
import { webhookTestBed } from './support/webhook-testbed';

/** One event of each type the purchase-order, transfer and promise records emit, with their shapes. */
function documentEvents(tag: string): Array<EmitInput & { id: string }> {
  const lines = [{ sku: 'S', quantity: 1 }];
  return [
    { type: 'purchase_order.received', id: `po-received:po-${tag}:r1`, data: { purchaseOrderId: `po-${tag}`, warehouseId: 'w', status: 'received', receiptId: 'r1', lines } },
    { type: 'purchase_order.late', id: `po-late:po-${tag}:1`, data: { purchaseOrderId: `po-${tag}`, warehouseId: 'w', status: 'open', outstanding: 1 } },
    { type: 'transfer.received', id: `transfer-received:tr-${tag}:r1`, data: { transferId: `tr-${tag}`, fromWarehouseId: 'w', toWarehouseId: 'v', status: 'received', lines } },
    { type: 'order.promise_changed', id: `promise:${tag}:1`, data: { orderId: tag, promisedAt: new Date().toISOString() } },
  ];
}

// "every event type" meets a bare `socket hang up` now and then (a socket's error event, not an
// assertion): retried, logged, while its cause is found.
jest.retryTimes(2, { logErrorsBeforeRetry: true });

describe('webhooks: outbox → dispatcher → receiver', () => {
  let h: ApiHarness;
  let knex: Knex;
  const { dispatcher, subscribed } = webhookTestBed((api, db) => {
    h = api;
    knex = db;
  });

  const log = async (subId: string, eventId: string) =>
    (await request(h.app).get(`/webhooks/${subId}/deliveries?eventId=${eventId}`).set(as('admin')).expect(200)).body.deliveries[0];

  it('POST /webhooks: 201 with the secret once; GET lists without secrets; DELETE 204 then 404; bad input 400', async () => {
    const created = await request(h.app)
      .post('/webhooks')
      .set(as('admin'))
      .send({ url: 'http://127.0.0.1:9/hooks', events: ['order.shipped', 'order.created'], description: 'ERP' })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^whk_/),
      url: 'http://127.0.0.1:9/hooks',
      events: ['order.shipped', 'order.created'],
      description: 'ERP',
      secret: expect.stringMatching(/^whsec_/),
      createdAt: expect.any(String),
    });
    const list = await request(h.app).get('/webhooks').set(as('admin')).expect(200);
    const item = list.body.webhooks.find((w: { id: string }) => w.id === created.body.id);
    expect(item).toEqual({ id: created.body.id, url: 'http://127.0.0.1:9/hooks', events: ['order.shipped', 'order.created'], description: 'ERP', createdAt: created.body.createdAt });
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    await request(h.app).get('/webhooks').set(as('support')).expect(403);

    for (const body of [
      { url: 'ftp://x.example.com/', events: ['order.created'] },
      { url: 'https://user:pw@x.example.com/', events: ['order.created'] },
      { url: 'not a url', events: ['order.created'] },
      { url: 'https://x.example.com/', events: [] },
      { url: 'https://x.example.com/', events: ['order.exploded'] },
      { url: 'https://x.example.com/', events: ['*'] },
      { url: 'https://x.example.com/', events: ['order.created', 'order.created'] },
    ]) {
      const bad = await request(h.app).post('/webhooks').set(as('admin')).send(body);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('validation_failed');
    }
    await request(h.app).delete(`/webhooks/${created.body.id}`).set(as('admin')).expect(204);
    expect((await request(h.app).delete(`/webhooks/${created.body.id}`).set(as('admin')).expect(404)).body.error).toBe('not_found');
    await request(h.app).get(`/webhooks/${created.body.id}/deliveries`).set(as('admin')).expect(404);
  });

  it('emitEvent rides the caller transaction and is idempotent on the event id', async () => {
    const { id: subId } = await subscribed(['order.created']);
    const id = `evt_${uid('tx')}`;
    await knex.transaction(async (trx) => {
      await emitEvent(trx, { type: 'order.created', id, data: { orderId: 'x' } });
      await trx.rollback();
    }).catch(() => undefined);
    expect(await knex('webhook_events').where({ id }).first()).toBeUndefined();
    expect(await emitEvent(knex, { type: 'order.created', id, data: { orderId: 'x' } })).toEqual({ id, emitted: true });
    expect(await emitEvent(knex, { type: 'order.created', id, data: { orderId: 'x' } })).toEqual({ id, emitted: false });
    expect(await knex('webhook_deliveries').where({ event_id: id, subscription_id: subId }).count<{ count: string }[]>('* as count')).toEqual([{ count: '1' }]);
  });

  it('every event type arrives verified as {id, type, createdAt, data}', async () => {
    const { rx } = await subscribed();
    const orderId = uid('ord');
    const base = { orderId, status: 'received', channel: 'web', customer: { id: 'c' }, shippingAddress: { name: 'A', line1: 'l', city: 'c', postalCode: 'p', country: 'DE' }, shippingMethod: 'standard', lines: [{ sku: 'S', quantity: 1 }], allocations: [], backordered: [], fulfillments: [], holds: [], history: [{ at: new Date().toISOString(), status: 'received' }], edits: 0 } as OrderView;
    const shipped: OrderView = { ...base, status: 'shipped', history: [...base.history, { at: new Date().toISOString(), status: 'shipped' }], fulfillments: [{ fulfillmentId: 'f1', warehouseId: 'w', lines: base.lines, status: 'shipped', shipment: { carrier: 'DHL', trackingNumber: 'T1' } }] };
    const delivered: OrderView = { ...shipped, status: 'delivered', history: [...shipped.history, { at: new Date().toISOString(), status: 'delivered' }] };
    const withReturn = { ...delivered, returns: [{ returnId: 'r1', orderId, status: 'received' as const, lines: [{ sku: 'S', quantity: 1 }], reason: 'r', createdAt: new Date().toISOString() }] };
    const cancelledOrder: OrderView = { ...base, orderId: `${orderId}-c`, status: 'cancelled', history: [...base.history, { at: new Date().toISOString(), status: 'cancelled' }], cancelReason: 'test' };
    // An order still not shipped at its ship-by (docs/design.md §17): late, the miss on its timeline.
    const lateOrder: OrderView = { ...base, orderId: `${orderId}-l`, shipBy: new Date(Date.now() - 1000).toISOString(), late: true, history: [...base.history, { at: new Date().toISOString(), status: 'received', note: SHIP_BY_MISSED_NOTE }] };
    const events = [
      ...orderEventsFor(undefined, base),
      ...orderEventsFor(base, shipped),
      ...orderEventsFor(shipped, delivered),
      ...orderEventsFor(delivered, withReturn),
      ...orderEventsFor({ ...base, orderId: cancelledOrder.orderId }, cancelledOrder),
      ...orderEventsFor({ ...base, orderId: lateOrder.orderId }, lateOrder),
      // The stock documents' and promise events (docs/design.md §15), as their records emit them.
      ...documentEvents(orderId),
    ];
    await knex.transaction(async (trx) => {
      for (const e of events) await emitEvent(trx, e);
    });
    // The ledger's own: a receipt marks the SKU (available_changed), an adjustment to the reorder point opens an alert.
    const { warehouseId, sku } = await seedStock(h.app, 10);
    await request(h.app).put(`/skus/${sku}`).set(as('admin')).send({ name: 'Thing', reorderPoint: 3 }).expect(200);
    await request(h.app).post('/inventory/adjustments').set(as('admin')).send({ warehouseId, sku, delta: -8, reason: 'count' }).expect(201);
    // A count that agrees with the ledger is applied (variance 0): inventory.count_applied.
    const count = await request(h.app).post('/counts').set(as('admin')).send({ warehouseId, countedAt: new Date().toISOString(), source: 'cycle_count', lines: [{ sku, counted: 2 }] }).expect(201);
    await drainMarks(knex);
    dispatcher();

    const want = [...events.map((e) => e.id)];
    await eventually(async () => (want.every((id) => rx.byEventId(id).length > 0) ? true : undefined), 15_000);
    const types = new Set<string>();
    for (const e of events) {
      const got = rx.byEventId(e.id)[0];
      expect(got.body).toEqual({ id: e.id, type: e.type, createdAt: expect.any(String), data: JSON.parse(JSON.stringify(e.data)) });
      expect(got.id).toBe(e.id);
      types.add(e.type);
    }
    const ledgerEvents = await eventually(async () => {
      const mine = rx.received.filter((r) => r.verified && (r.body?.data.sku === sku || r.body?.data.countId === count.body.countId));
      const kinds = new Set(mine.map((r) => r.body!.type));
      return kinds.has('inventory.available_changed') && kinds.has('inventory.reorder_alert') && kinds.has('inventory.count_applied') ? mine : undefined;
    }, 15_000);
    for (const r of ledgerEvents) types.add(r.body!.type);
    expect(ledgerEvents.find((r) => r.body!.type === 'inventory.reorder_alert')!.body!.data).toMatchObject({ sku, available: 2, reorderPoint: 3 });
    expect([...types].sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
  });

  it('receiver down (refused, then 500s) → retried with backoff, then delivered; the log shows every attempt; redeliver resends the same webhook-id', async () => {
    const { id: subId, rx } = await subscribed(['order.created']);
    // "Down": the subscription points at a closed port, then at the receiver again (no rebinding race with other suites).
    await knex('webhook_subscriptions').where({ id: subId }).update({ url: `http://127.0.0.1:${await closedPort()}/hook` });
    const { id } = await emitEvent(knex, { type: 'order.created', data: { orderId: uid('o') } });
    dispatcher();
    await eventually(async () => ((await log(subId, id))?.attempts >= 2 ? true : undefined), 10_000, 50);
    let answered = 0;
    // Only this event's attempts count: other suites' orders emit order.created to this subscription too.
    rx.respond = (req) => (req.body?.id === id && ++answered <= 2 ? { status: 500, body: 'down for maintenance' } : { status: 204 });
    await knex('webhook_subscriptions').where({ id: subId }).update({ url: rx.url });
    const delivered = await eventually(async () => {
      const d = await log(subId, id);
      return d?.status === 'delivered' ? d : undefined;
    }, 15_000, 50);
    expect(delivered).toMatchObject({ eventId: id, type: 'order.created', status: 'delivered', lastStatusCode: 204, deliveredAt: expect.any(String) });
    expect(delivered.lastError).toBeUndefined();
    const attempts = await deliveryAttempts(knex, delivered.id);
    expect(delivered.attempts).toBe(attempts.length);
    expect(attempts.length).toBeGreaterThanOrEqual(5);
    expect(attempts.slice(0, 2).every((a) => a.outcome === 'retryable' && /ECONNREFUSED/.test(a.error ?? ''))).toBe(true);
    expect(attempts.filter((a) => a.statusCode === 500)).toHaveLength(2);
    expect(attempts[attempts.length - 1]).toMatchObject({ outcome: 'delivered', statusCode: 204 });
    // Equal jitter: the n-th wait is at least half of base × 2^(n-1), capped at max.
    const gaps = attempts.slice(1).map((a, i) => Date.parse(a.at) - Date.parse(attempts[i].at));
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(Math.min(1_000, 200 * 2 ** i) / 2 - 20));
    expect(rx.byEventId(id)).toHaveLength(3);

    const again = await request(h.app).post(`/webhooks/${subId}/deliveries/${delivered.id}/redeliver`).set(as('admin')).expect(202);
    expect(again.body).toMatchObject({ id: delivered.id, status: 'pending' });
    await eventually(async () => (rx.byEventId(id).length === 4 ? true : undefined), 10_000, 50);
    expect(new Set(rx.byEventId(id).map((r) => r.id))).toEqual(new Set([id]));
    await request(h.app).post(`/webhooks/${subId}/deliveries/999999999/redeliver`).set(as('admin')).expect(404);

    const metrics = await request(h.app).get('/metrics').set(as('ops')).expect(200);
    expect(metrics.text).toMatch(/fulfillment_webhook_deliveries\{status="delivered"\} [1-9]/);
    expect(metrics.text).toMatch(/fulfillment_webhook_oldest_pending_seconds \d/);
  });

  it('a permanent answer (400) fails the delivery at once', async () => {
    const { id: subId, rx } = await subscribed(['order.created']);
    rx.respond = () => ({ status: 400, body: 'schema mismatch' });
    const { id } = await emitEvent(knex, { type: 'order.created', data: { orderId: uid('o') } });
    dispatcher();
    const d = await eventually(async () => {
      const row = await log(subId, id);
      return row?.status === 'failed' ? row : undefined;
    }, 10_000, 50);
    expect(d).toMatchObject({ attempts: 1, lastStatusCode: 400, lastError: 'HTTP 400' });
    // The receiver is up and refused that one message: its subscription is not paused for it.
    const sub = (await request(h.app).get('/webhooks').set(as('admin')).expect(200)).body.webhooks.find((w: { id: string }) => w.id === subId);
    expect(sub).not.toHaveProperty('consecutiveFailures');
    expect(sub).not.toHaveProperty('pausedUntil');
  });

  it('a delivery past the retry horizon fails', async () => {
    const { id: subId, rx } = await subscribed(['order.created']);
    const { id } = await emitEvent(knex, { type: 'order.created', data: { orderId: uid('o') } });
    // Only this event fails: other suites' order.created would fail too and take the paused subscription's probes, holding this one back past its horizon.
    rx.respond = (req) => (req.body?.id === id ? { status: 503 } : { status: 204 });
    // Its own subscription only: with this horizon it would fail every other suite's pending deliveries.
    dispatcher({ retry: { baseDelayMs: 50, maxDelayMs: 100, horizonMs: 600 }, subscriptionIds: [subId] });
    const d = await eventually(async () => {
      const row = await log(subId, id);
      return row?.status === 'failed' ? row : undefined;
    }, 10_000, 50);
    expect(d.attempts).toBeGreaterThan(2);
    expect(d.lastStatusCode).toBe(503);
  });

  it('two dispatchers at once (two replicas): every event arrives, none is lost', async () => {
    const { rx } = await subscribed(['order.status_changed']);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await emitEvent(knex, { type: 'order.status_changed', data: { orderId: `o${i}`, status: 'reserved', previousStatus: 'received', channel: 'web' } })).id);
    dispatcher({ batchSize: 5 });
    dispatcher({ batchSize: 5 });
    await eventually(async () => (ids.every((id) => rx.byEventId(id).length > 0) ? true : undefined), 15_000, 50);
    // The receiver has them before the dispatcher has recorded the answer.
    await eventually(async () => {
      const rows = await knex('webhook_deliveries').whereIn('event_id', ids).select('status');
      return rows.length === ids.length && rows.every((r: { status: string }) => r.status === 'delivered') ? true : undefined;
    }, 5_000, 50);
    // SKIP LOCKED: with a healthy receiver no event is even sent twice.
    expect(ids.map((id) => rx.byEventId(id).length).every((n) => n === 1)).toBe(true);
  });

  it('a dispatcher killed mid-delivery: the other sends it after the lease', async () => {
    const { id: subId, rx } = await subscribed(['order.created']);
    const { id } = await emitEvent(knex, { type: 'order.created', data: { orderId: uid('o') } });
    // Only this event is held: other suites' orders emit order.created to this subscription too.
    rx.respond = (req) => (req.body?.id === id ? { hold: true } : { status: 204 });
    const a = dispatcher({ leaseMs: 1_500 });
    await eventually(async () => (rx.held() === 1 ? true : undefined), 10_000, 20);
    await a.stop({ abort: true });
    rx.respond = () => ({ status: 200 });
    const killedAt = Date.now();
    dispatcher();
    const d = await eventually(async () => {
      const row = await log(subId, id);
      return row?.status === 'delivered' ? row : undefined;
    }, 10_000, 50);
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(500);
    expect(rx.byEventId(id).length).toBe(2); // the held one that A never saw answered, and B's
    expect(d.attempts).toBe(1); // A recorded nothing: it "died"
  });

  it('inventory.available_changed after receipts: one event per window, with byChannel; nothing when unchanged', async () => {
    const { rx } = await subscribed(['inventory.available_changed']);
    const { warehouseId, sku } = await seedStock(h.app, 0);
    const web = uid('web');
    const amazon = uid('amz');
    await request(h.app).put(`/channels/${web}`).set(as('admin')).send({ name: 'Web' }).expect(201);
    await request(h.app).put(`/channels/${amazon}`).set(as('admin')).send({ name: 'Amazon', bufferPercent: 50, maxListed: 4 }).expect(201);
    await drainMarks(knex);
    for (const quantity of [5, 3, 2]) await request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId, sku, quantity }).expect(201);
    await drainMarks(knex);
    await drainMarks(knex); // nothing changed since: no second event
    dispatcher();
    const mine = () => rx.received.filter((r) => r.verified && r.body?.type === 'inventory.available_changed' && r.body.data.sku === sku);
    await eventually(async () => (mine().length > 0 ? true : undefined), 10_000, 50);
    await new Promise((r) => setTimeout(r, 300));
    expect(mine()).toHaveLength(1);
    expect(mine()[0].body!.data).toMatchObject({ sku, available: 10, byChannel: { [web]: 10, [amazon]: 4 }, sequence: expect.any(Number), asOf: expect.any(String) });
  });

  it('available_changed in order: three receipts a few passes apart → strictly increasing sequence in asOf order; a redelivery repeats it', async () => {
    const { id: subId, rx } = await subscribed(['inventory.available_changed']);
    const { warehouseId, sku } = await seedStock(h.app, 0);
    await drainMarks(knex);
    for (const quantity of [1, 2, 3]) {
      await request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId, sku, quantity }).expect(201);
      await drainMarks(knex);
    }
    dispatcher();
    const mine = () => rx.received.filter((r) => r.verified && r.body?.type === 'inventory.available_changed' && r.body.data.sku === sku);
    const got = await eventually(async () => (new Set(mine().map((r) => r.body!.id)).size >= 3 ? mine() : undefined), 10_000, 50);
    const data = got.map((r) => r.body!.data as { available: number; sequence: number; asOf: string });
    const byAsOf = [...data].sort((a, b) => Date.parse(a.asOf) - Date.parse(b.asOf));
    expect(byAsOf.map((d) => d.available)).toEqual([1, 3, 6]);
    expect(byAsOf[0].sequence).toBeLessThan(byAsOf[1].sequence);
    expect(byAsOf[1].sequence).toBeLessThan(byAsOf[2].sequence);
    expect(Date.parse(byAsOf[0].asOf)).toBeLessThan(Date.parse(byAsOf[1].asOf));
    // The same event delivered again carries the same sequence.
    const last = got.find((r) => (r.body!.data as { available: number }).available === 6)!;
    const delivery = await knex('webhook_deliveries').where({ event_id: last.body!.id, subscription_id: subId }).first();
    await request(h.app).post(`/webhooks/${subId}/deliveries/${delivery.id}/redeliver`).set(as('admin')).expect((r) => {
      if (r.status >= 300) throw new Error(`redeliver: ${r.status} ${JSON.stringify(r.body)}`);
    });
    const twice = await eventually(async () => {
      const copies = mine().filter((r) => r.body!.id === last.body!.id);
      return copies.length >= 2 ? copies : undefined;
    }, 10_000, 50);
    expect(twice.map((r) => (r.body!.data as { sequence: number }).sequence)).toEqual([byAsOf[2].sequence, byAsOf[2].sequence]);
  });
});
