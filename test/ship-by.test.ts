/**
 * Ship-by (docs/design.md §17) end to end: an order due in 5 s that does not ship is marked
 * late at that moment by its workflow's timer, with one order.ship_by_missed webhook; the
 * ShipBy search attribute carries the time.
 */
import request from 'supertest';
import type { Knex } from 'knex';
import { startDispatcher, type Dispatcher } from '../webhooks/dispatcher';
import { ShipByKey } from '../workflows/search-attributes';
import { orderWorkflowId } from '../domain/types';
import { as, orderBody, seedStock, startApi, uid, type ApiHarness } from './support/api-fixtures';
import { testKnex } from './support/db';
import { eventually } from './support/temporal';
import { startReceiver, type Receiver } from './support/webhook-receiver';
import { TEST_RETRY } from './support/webhook-testbed';

describe('ship-by: late at shipBy, one order.ship_by_missed', () => {
  let h: ApiHarness;
  let knex: Knex;
  let dispatcher: Dispatcher;
  let rx: Receiver;
  let subscriptionId: string;

  beforeAll(async () => {
    h = await startApi({ worker: true });
    knex = testKnex(2);
    const res = await request(h.app).post('/webhooks').set(as('admin')).send({ url: 'http://127.0.0.1:9/hook', events: ['order.ship_by_missed'] }).expect(201);
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

  it('an order due in 5 s and not shipped is late, with one webhook naming its shipBy and status', async () => {
    const { sku } = await seedStock(h.app, 5);
    const orderId = uid('ord');
    const shipBy = new Date(Date.now() + 5_000).toISOString();
    const onTime = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 1 }], { orderId, shipBy })).expect(202);
    await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 1 }], { orderId: onTime, shipBy: '2031-01-01T00:00:00Z' })).expect(202);

    const described = await h.client.workflow.getHandle(orderWorkflowId(orderId)).describe();
    expect((described.typedSearchAttributes.get(ShipByKey) as Date).toISOString()).toBe(shipBy);

    // The warehouse is manual: the order rests in picking past its shipBy.
    const late = await eventually(async () => {
      const r = await request(h.app).get(`/orders/${orderId}`).set(as('ops'));
      return r.body.late === true ? r.body : undefined;
    }, 30_000);
    expect(late.status).toBe('picking');
    expect(late.shipBy).toBe(shipBy);
    const missedAt = late.history.find((e: { note?: string }) => e.note?.startsWith('ship-by missed'));
    expect(Date.parse(missedAt.at)).toBeGreaterThanOrEqual(Date.parse(shipBy));

    const mine = () => rx.received.filter((r) => r.body?.type === 'order.ship_by_missed' && r.body.data.orderId === orderId);
    await eventually(async () => (mine().length > 0 ? true : undefined), 30_000, 100);
    expect(mine()[0].body!.data).toEqual({ orderId, shipBy, status: 'picking' });
    // Later record writes (the on-time order, a status query) emit nothing more for it.
    await request(h.app).post(`/orders/${orderId}/holds`).set(as('support')).send({ reason: 'other' }).expect(201);
    await eventually(async () => ((await request(h.app).get(`/orders/${orderId}`).set(as('ops'))).body.status === 'on_hold' ? true : undefined));
    const { rows } = await knex.raw<{ rows: Array<{ n: number }> }>(
      `SELECT count(*)::int AS n FROM webhook_events WHERE type = 'order.ship_by_missed' AND data->>'orderId' = ?`,
      [orderId],
    );
    expect(rows[0].n).toBe(1);

    const notLate = (await request(h.app).get(`/orders/${onTime}`).set(as('ops')).expect(200)).body;
    expect(notLate.late).toBeUndefined();
    expect(notLate.shipBy).toBe('2031-01-01T00:00:00.000Z');
  });
});
