/**
 * The webhook suites' common ground: an API, a knex, dispatchers and subscriptions pointed at
 * real loopback receivers, all cleaned up after each test. Every suite that runs dispatchers
 * uses TEST_RETRY: each claims the others' deliveries on the shared database, so a suite with a
 * slower policy would hold the others' events back.
 */
import request from 'supertest';
import type { Knex } from 'knex';
import { startDispatcher, type Dispatcher, type DispatcherOptions } from '../../webhooks/dispatcher';
import { WEBHOOK_EVENT_TYPES } from '../../webhooks/event-types';
import { as, startApi, type ApiHarness } from './api-fixtures';
import { testKnex } from './db';
import { startReceiver, type Receiver } from './webhook-receiver';

export const TEST_RETRY: DispatcherOptions['retry'] = { baseDelayMs: 200, maxDelayMs: 1_000 };

export interface WebhookTestBed {
  /** A dispatcher with TEST_RETRY for this suite's subscriptions, polling every 50 ms, stopped (as by a crash) after the test. */
  dispatcher(opts?: Partial<DispatcherOptions>): Dispatcher;
  /** A subscription whose secret a fresh receiver verifies with; both go after the test. */
  subscribed(events?: readonly string[]): Promise<{ id: string; rx: Receiver }>;
  pointAt(subscriptionId: string, url: string): Promise<unknown>;
}

/** Registers the suite's hooks; `ready` hands the suite its API and knex once they are up. */
export function webhookTestBed(ready: (h: ApiHarness, knex: Knex) => void): WebhookTestBed {
  let h: ApiHarness | undefined;
  let knex: Knex | undefined;
  const running: Dispatcher[] = [];
  const receivers: Receiver[] = [];
  const subs: string[] = [];

  beforeAll(async () => {
    h = await startApi();
    knex = testKnex(8);
    ready(h, knex);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((d) => d.stop({ abort: true })));
    // Left pending, another suite's dispatcher would keep retrying them against closed receivers.
    if (subs.length) await knex!('webhook_subscriptions').whereIn('id', subs.splice(0)).delete();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  afterAll(async () => {
    await knex?.destroy();
    await h?.stop();
  });

  const pointAt = (subscriptionId: string, url: string) => knex!('webhook_subscriptions').where({ id: subscriptionId }).update({ url });
  return {
    pointAt,
    dispatcher(opts = {}) {
      // Scoped to this suite's subscriptions (the array is read at every pass): another suite's
      // dispatcher, stopped as by a crash, would hold leases on them for half a minute.
      const d = startDispatcher({ knex: knex!, pollIntervalMs: 50, retry: TEST_RETRY, log: () => undefined, subscriptionIds: subs, ...opts });
      running.push(d);
      return d;
    },
    async subscribed(events = WEBHOOK_EVENT_TYPES) {
      // The URL must exist before the secret does: subscribe to a placeholder, then re-point it.
      const res = await request(h!.app).post('/webhooks').set(as('admin')).send({ url: 'http://127.0.0.1:9/hook', events }).expect(201);
      subs.push(res.body.id);
      const rx = await startReceiver(res.body.secret);
      receivers.push(rx);
      await pointAt(res.body.id, rx.url);
      return { id: res.body.id, rx };
    },
  };
}
