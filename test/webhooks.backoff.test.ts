/**
 * Backoff per subscription: a receiver that is down is paused as a whole and sent one probe
 * per pause, against real receivers on loopback (dispatchers and subscriptions from
 * support/webhook-testbed.ts, with the retry policy every dispatching suite shares).
 * Other suites' orders emit events to these subscriptions too: everything counted is
 * filtered by this test's event ids.
 */
import request from 'supertest';
import type { Knex } from 'knex';
import { emitEvent } from '../webhooks/outbox';
import { as, uid, type ApiHarness } from './support/api-fixtures';
import { eventually } from './support/temporal';
import { closedPort, type Receiver } from './support/webhook-receiver';
import { webhookTestBed } from './support/webhook-testbed';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Like webhooks.delivery: a bare `socket hang up` (an HTTP client's reset with only Node-internal
// frames) met this suite twice in fresh-clone CI runs of 2026-12-04, in two different tests, never
// alone; retried and logged while its cause is found (the closing note of round 6 says what was tried).
jest.retryTimes(2, { logErrorsBeforeRetry: true });

describe('webhooks: backoff per subscription', () => {
  let h: ApiHarness;
  let knex: Knex;
  const bed = webhookTestBed((api, db) => {
    h = api;
    knex = db;
  });
  const { dispatcher, pointAt } = bed;
  const subscribed = () => bed.subscribed(['order.cancelled']);
  const deadUrl = async () => `http://127.0.0.1:${await closedPort()}/hook`;

  async function emit(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await emitEvent(knex, { type: 'order.cancelled', data: { orderId: uid('o'), reason: 'test' } })).id);
    return ids;
  }

  /** GET /webhooks's entry for the subscription. */
  const listed = async (subId: string) =>
    (await request(h.app).get('/webhooks').set(as('admin')).expect(200)).body.webhooks.find((w: { id: string }) => w.id === subId);

  const attemptsOf = async (ids: string[]) =>
    knex('webhook_attempts as a')
      .join('webhook_deliveries as d', 'd.id', 'a.delivery_id')
      .whereIn('d.event_id', ids)
      .select<Array<{ at: Date; outcome: string; event_id: string }>>('a.at', 'a.outcome', 'd.event_id')
      .orderBy('a.id');

  const arrived = (rx: Receiver, ids: string[]) => ids.filter((id) => rx.byEventId(id).some((r) => r.verified)).length;

  const deliveryId = async (subId: string, eventId: string): Promise<string> =>
    (await request(h.app).get(`/webhooks/${subId}/deliveries?eventId=${eventId}`).set(as('admin')).expect(200)).body.deliveries[0].id;

  it('a dead receiver (refused, then 500s) gets one probe per pause, two replicas or not; back up, every queued event arrives', async () => {
    const { id: subId, rx } = await subscribed();
    await pointAt(subId, await deadUrl());
    const first = await emit(1);
    dispatcher();
    dispatcher();
    await eventually(async () => ((await listed(subId))?.consecutiveFailures >= 1 ? true : undefined), 10_000, 20);
    const ids = await emit(60);
    const from = new Date();

    await sleep(1_500);
    rx.respond = () => ({ status: 500 });
    await pointAt(subId, rx.url);
    await sleep(1_500);
    const paused = await listed(subId);
    expect(paused).toMatchObject({ consecutiveFailures: expect.any(Number) });
    const metrics = await request(h.app).get('/metrics').set(as('ops')).expect(200);
    expect(metrics.text).toMatch(/fulfillment_webhook_subscriptions_failing [1-9]/);

    // Per-delivery backoff alone sent each of the 60 at once and again every 0.1–1 s: ~250 attempts here.
    // Probes go on while it is down (how many fit in the sleeps above depends on the machine's load: wait for a second one).
    const whileDown = await eventually(async () => {
      const since = (await attemptsOf([...first, ...ids])).filter((a) => a.at >= from);
      return since.length >= 2 ? since : undefined;
    }, 15_000);
    expect(whileDown.every((a) => a.outcome === 'retryable')).toBe(true);
    expect(whileDown.length).toBeLessThanOrEqual(10);
    // One at a time across both replicas: each waited out the pause the one before it set.
    const gaps = whileDown.slice(1).map((a, i) => a.at.getTime() - whileDown[i].at.getTime());
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(90);
    expect(ids.filter((id) => rx.byEventId(id).length > 0).length).toBeLessThanOrEqual(10);
    // Not given up: the ones never tried are pending with no attempt, their horizon untouched.
    const rows = await knex('webhook_deliveries').where({ subscription_id: subId }).whereIn('event_id', ids).select<Array<{ status: string; attempts: number }>>('status', 'attempts');
    expect(rows.every((r) => r.status === 'pending')).toBe(true);
    expect(rows.filter((r) => r.attempts === 0).length).toBeGreaterThanOrEqual(50);

    rx.respond = () => ({ status: 204 });
    // The pause (at most 1 s), then a probe, then the backlog; the probed ones wait out their own backoff.
    await eventually(async () => (arrived(rx, [...first, ...ids]) === 61 ? true : undefined), 10_000, 20);
    await eventually(async () => ((await listed(subId))?.consecutiveFailures === undefined ? true : undefined), 5_000, 20);
    expect(await listed(subId)).not.toHaveProperty('pausedUntil');
  });

  it('a healthy subscription beside a dead one is not held up', async () => {
    const dead = await subscribed();
    await pointAt(dead.id, await deadUrl());
    const healthy = await subscribed();
    // Each event goes to both (and to other tests' subscriptions to order.cancelled, if any).
    const ids = await emit(60);
    dispatcher();
    await eventually(async () => (arrived(healthy.rx, ids) === 60 ? true : undefined), 5_000, 10);
    const deadAttempts = await knex('webhook_attempts as a')
      .join('webhook_deliveries as d', 'd.id', 'a.delivery_id')
      .where('d.subscription_id', dead.id)
      .whereIn('d.event_id', ids)
      .count<{ n: string }[]>({ n: '*' });
    // One batch (20) found it down; after that, probes.
    expect(Number(deadAttempts[0].n)).toBeLessThanOrEqual(25);
  });

  it('a receiver that never answers holds only its own attempt: the healthy subscription beside it is served meanwhile', async () => {
    const dead = await subscribed();
    dead.rx.respond = () => ({ hold: true });
    const healthy = await subscribed();
    dispatcher({ timeoutMs: 1_500 });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const [id] = await emit(1);
      ids.push(id);
      await eventually(async () => (arrived(healthy.rx, [id]) === 1 ? true : undefined), 5_000, 10);
      await sleep(150);
    }
    // A dead receiver's attempt was in flight nearly all the time (from its arrival until at least the
    // 1.5 s timeout): a dispatcher that waited for it would deliver nothing to the healthy one meanwhile.
    expect(dead.rx.held()).toBeGreaterThanOrEqual(1);
    const inFlight = dead.rx.received.map((r) => [r.at, r.at + 1_500] as const);
    const healthyArrivals = healthy.rx.received.filter((r) => ids.includes(r.body?.id ?? '')).map((r) => r.at);
    expect(healthyArrivals.filter((t) => inFlight.some(([from, to]) => t > from && t < to)).length).toBeGreaterThanOrEqual(3);
  });

  it('redeliver while paused goes at once; a 2xx ends the pause and the backlog follows', async () => {
    const { id: subId, rx } = await subscribed();
    const ids = await emit(5);
    // Paused for an hour after 3 failed rounds, as a long outage leaves it (the first test shows how it gets there).
    await knex('webhook_subscriptions').where({ id: subId }).update({ failures: 3, retry_after: knex.raw("now() + interval '1 hour'") });
    dispatcher();
    await sleep(300);
    expect(arrived(rx, ids)).toBe(0);
    expect(Date.parse((await listed(subId)).pausedUntil) - Date.now()).toBeGreaterThan(3_500_000);

    await request(h.app).post(`/webhooks/${subId}/deliveries/${await deliveryId(subId, ids[3])}/redeliver`).set(as('admin')).expect(202);
    // Within seconds of an hour's pause, and before the older deliveries: it jumped the pause.
    await eventually(async () => (arrived(rx, ids) > 0 ? true : undefined), 5_000, 10);
    expect(rx.received.filter((r) => ids.includes(r.body?.id ?? '')).map((r) => r.body!.id)[0]).toBe(ids[3]);
    await eventually(async () => (arrived(rx, ids) === 5 ? true : undefined), 5_000, 20);
    expect(await listed(subId)).not.toHaveProperty('consecutiveFailures');
  });

  it('redeliver while paused and still down: tried at once, and its failure is the next round of the pause', async () => {
    const { id: subId, rx } = await subscribed();
    rx.respond = () => ({ status: 503 });
    const ids = await emit(5);
    await knex('webhook_subscriptions').where({ id: subId }).update({ failures: 3, retry_after: knex.raw("now() + interval '1 hour'") });
    dispatcher();
    await request(h.app).post(`/webhooks/${subId}/deliveries/${await deliveryId(subId, ids[0])}/redeliver`).set(as('admin')).expect(202);
    await eventually(async () => (rx.byEventId(ids[0]).length > 0 ? true : undefined), 5_000, 10);
    const after = await eventually(async () => {
      const w = await listed(subId);
      return w?.consecutiveFailures === 4 ? w : undefined;
    }, 5_000, 10);
    // The 4th round's pause, from the answer: 0.5–1 s with this policy.
    expect(Date.parse(after.pausedUntil) - Date.now()).toBeLessThanOrEqual(1_000);
    expect(ids.slice(1).filter((id) => rx.byEventId(id).length > 0)).toEqual([]);
  });
});
