import request from 'supertest';
import type { Knex } from 'knex';
import { startDispatcher, type Dispatcher } from '../webhooks/dispatcher';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/event-types';
import { as, orderBody, seedStock, startApi, uid, type ApiHarness } from './support/api-fixtures';
import { testKnex } from './support/db';
import { eventually } from './support/temporal';
import { startReceiver, type Receiver } from './support/webhook-receiver';
import { TEST_RETRY } from './support/webhook-testbed';

/** An order's record writes reach a subscriber as signed events, end to end (simulated warehouse and carrier). */
describe('webhooks: order events from the order records', () => {
  let h: ApiHarness;
  let knex: Knex;
  let dispatcher: Dispatcher;
  let rx: Receiver;
  let subscriptionId: string;

  beforeAll(async () => {
    h = await startApi({ worker: true, env: { WAREHOUSE_MODE: 'simulated', CARRIER_MODE: 'simulated', SIMULATED_DELAY: '20ms' } });
    knex = testKnex(4);
    const res = await request(h.app).post('/webhooks').set(as('admin')).send({ url: 'http://127.0.0.1:9/hook', events: WEBHOOK_EVENT_TYPES }).expect(201);
    subscriptionId = res.body.id;
    rx = await startReceiver(res.body.secret);
    await knex('webhook_subscriptions').where({ id: subscriptionId }).update({ url: rx.url });
    dispatcher = startDispatcher({ knex, pollIntervalMs: 50, retry: TEST_RETRY, subscriptionIds: [subscriptionId] });
  });
  afterAll(async () => {
    await dispatcher?.stop({ abort: true });
    if (subscriptionId) await knex('webhook_subscriptions').where({ id: subscriptionId }).delete();
    await rx?.close();
    await knex?.destroy();
    await h?.stop();
  });

  it('created, every status change with its previous status, shipped with the tracking number, delivered', async () => {
    const { sku } = await seedStock(h.app, 5);
    const orderId = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 2 }], { orderId })).expect(202);
    const mine = () => rx.received.filter((r) => r.body?.data.orderId === orderId);
    await eventually(async () => (mine().some((r) => r.body?.type === 'order.delivered') ? true : undefined), 30_000, 100);

    const events = mine();
    expect(events.every((r) => r.verified && r.id === r.body?.id)).toBe(true);
    const types = new Set(events.map((r) => r.body!.type));
    expect([...types].sort()).toEqual(['order.created', 'order.delivered', 'order.shipped', 'order.status_changed']);
    // Possibly out of order: compare as a set of transitions.
    const changes = new Set(events.filter((r) => r.body!.type === 'order.status_changed').map((r) => `${r.body!.data.previousStatus}->${r.body!.data.status}`));
    expect([...changes].sort()).toEqual(
      ['received->reserved', 'reserved->picking', 'picking->packing', 'packing->shipping', 'shipping->shipped', 'shipped->delivered'].sort(),
    );
    const order = (await request(h.app).get(`/orders/${orderId}`).set(as('ops')).expect(200)).body;
    const shipped = events.find((r) => r.body!.type === 'order.shipped')!.body!.data;
    expect(shipped).toMatchObject({ orderId, fulfillmentId: order.fulfillments[0].fulfillmentId, trackingNumber: order.fulfillments[0].shipment.trackingNumber });
    // Each event once per delivery attempt, and nothing failed: no duplicates at the receiver.
    const ids = events.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
