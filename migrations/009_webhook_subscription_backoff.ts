import type { Knex } from 'knex';
import type { Migration } from './migration';

/*
 * Backoff per subscription, not only per delivery (webhooks/dispatcher.ts). A dead receiver
 * used to be tried by every due delivery on its own schedule: ~10 events per order meant
 * 15–21 failed POSTs and their writes per order (BENCHMARKS.md, "dead subscriber").
 *
 * failures counts failed rounds in a row (a batch that failed together is one round), and
 * retry_after is the subscription's pause: nothing is claimed for it before then, and when
 * the pause ends one delivery goes as a probe, holding retry_after as its lease until its
 * answer is recorded. Healthy subscriptions keep failures = 0 and retry_after NULL, so
 * their deliveries never write the subscription row.
 *
 * redelivery_requested marks a POST …/redeliver not yet attempted: it is claimed before
 * anything else of its subscription, pause or not, because an operator asked for it now.
 *
 * The claim walks subscriptions and reads each one's due deliveries from
 * webhook_deliveries_due_by_subscription, so a paused subscription's backlog is never
 * scanned; webhook_deliveries_due (by time alone) has no reader left and only cost every
 * delivery write, so it goes.
 */
const UP_SQL = `
ALTER TABLE webhook_subscriptions
  ADD COLUMN failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
  ADD COLUMN retry_after timestamptz;
ALTER TABLE webhook_deliveries ADD COLUMN redelivery_requested boolean NOT NULL DEFAULT false;
CREATE INDEX webhook_deliveries_due_by_subscription ON webhook_deliveries (subscription_id, next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_redelivery ON webhook_deliveries (id) WHERE redelivery_requested AND status = 'pending';
DROP INDEX webhook_deliveries_due;
`;

const DOWN_SQL = `
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
DROP INDEX IF EXISTS webhook_deliveries_redelivery, webhook_deliveries_due_by_subscription;
ALTER TABLE webhook_deliveries DROP COLUMN IF EXISTS redelivery_requested;
ALTER TABLE webhook_subscriptions DROP COLUMN IF EXISTS retry_after, DROP COLUMN IF EXISTS failures;
`;

export const webhookSubscriptionBackoffMigration: Migration = {
  name: '009_webhook_subscription_backoff',
  async up(knex: Knex) {
    await knex.raw(UP_SQL);
  },
  async down(knex: Knex) {
    await knex.raw(DOWN_SQL);
  },
};
