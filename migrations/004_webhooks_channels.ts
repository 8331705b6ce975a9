import type { Knex } from 'knex';
import type { Migration } from './migration';
import { installSqlFiles } from './sql-functions';

/*
 * Webhooks (docs/design.md §11) as a transactional outbox, and channels (§12).
 *
 * webhook_emit() is the one writer of events and their deliveries: emitEvent() (TS)
 * calls it inside the caller's transaction, and the reorder-alert trigger calls it inside
 * the ledger's, so an event exists exactly when the change that caused it committed.
 *
 * A delivery's next_attempt_at doubles as its lease: claiming pushes it past the POST's
 * timeout, so a dispatcher that dies mid-delivery leaves the row due again once the lease
 * runs out (at least once), and one partial index serves both "due" and "not leased".
 *
 * stock_change_marks is append-only (no unique key) on purpose: the trigger runs inside
 * every reservation, and an upsert on a per-SKU row would make concurrent reservations
 * of one SKU at different warehouses wait for each other's commit.
 *
 * The functions are webhooks/sql/*.sql, installed before the triggers that call them.
 */
const FUNCTION_FILES = ['webhooks/sql/webhook_emit.sql', 'webhooks/sql/stock_change_mark.sql', 'webhooks/sql/webhook_reorder_alert.sql'];

const UP_SQL = `
ALTER TABLE skus ADD COLUMN safety_stock integer NOT NULL DEFAULT 0 CHECK (safety_stock >= 0);

CREATE TABLE channels (
  id text PRIMARY KEY CHECK (id <> ''),
  name text NOT NULL,
  -- basis points (1/100 of a percent): integer arithmetic keeps floor() exact
  buffer_bp integer NOT NULL DEFAULT 0 CHECK (buffer_bp BETWEEN 0 AND 10000),
  buffer_units integer NOT NULL DEFAULT 0 CHECK (buffer_units >= 0),
  max_listed integer CHECK (max_listed >= 0),
  warehouse_ids text[],
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_subscriptions (
  id text PRIMARY KEY,
  url text NOT NULL,
  events text[] NOT NULL CHECK (cardinality(events) > 0),
  secret text NOT NULL,
  description text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_events (
  id text PRIMARY KEY,
  type text NOT NULL,
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
  id bigserial PRIMARY KEY,
  subscription_id text NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  event_id text NOT NULL REFERENCES webhook_events (id),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_token uuid,
  -- the retry horizon counts from here (creation, or the last redeliver)
  retry_from timestamptz NOT NULL DEFAULT now(),
  last_status_code integer,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  UNIQUE (subscription_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (subscription_id, id DESC);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id);

CREATE TABLE webhook_attempts (
  id bigserial PRIMARY KEY,
  delivery_id bigint NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  outcome text NOT NULL CHECK (outcome IN ('delivered', 'permanent', 'retryable')),
  status_code integer,
  error text,
  duration_ms integer
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, id);

CREATE TABLE stock_change_marks (
  id bigserial PRIMARY KEY,
  sku text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER stock_levels_mark_insert AFTER INSERT ON stock_levels
  FOR EACH ROW EXECUTE FUNCTION stock_change_mark();
CREATE TRIGGER stock_levels_mark_update AFTER UPDATE ON stock_levels
  FOR EACH ROW WHEN (OLD.on_hand IS DISTINCT FROM NEW.on_hand OR OLD.reserved IS DISTINCT FROM NEW.reserved)
  EXECUTE FUNCTION stock_change_mark();
CREATE TRIGGER skus_mark_safety_stock AFTER UPDATE ON skus
  FOR EACH ROW WHEN (OLD.safety_stock IS DISTINCT FROM NEW.safety_stock)
  EXECUTE FUNCTION stock_change_mark();

-- What inventory.available_changed last told subscribers, per SKU.
CREATE TABLE channel_availability_sent (
  sku text PRIMARY KEY,
  snapshot jsonb,
  sent_at timestamptz
);

CREATE TRIGGER reorder_alerts_webhook AFTER INSERT ON reorder_alerts
  FOR EACH ROW EXECUTE FUNCTION webhook_reorder_alert();
`;

const DOWN_SQL = `
DROP TRIGGER IF EXISTS reorder_alerts_webhook ON reorder_alerts;
DROP TRIGGER IF EXISTS skus_mark_safety_stock ON skus;
DROP TRIGGER IF EXISTS stock_levels_mark_update ON stock_levels;
DROP TRIGGER IF EXISTS stock_levels_mark_insert ON stock_levels;
DROP FUNCTION IF EXISTS webhook_reorder_alert(), stock_change_mark(), webhook_emit(text, jsonb, text);
DROP TABLE IF EXISTS channel_availability_sent, stock_change_marks, webhook_attempts, webhook_deliveries,
  webhook_events, webhook_subscriptions, channels;
ALTER TABLE skus DROP COLUMN IF EXISTS safety_stock;
`;

export const webhooksChannelsMigration: Migration = {
  name: '004_webhooks_channels',
  async up(knex: Knex) {
    await installSqlFiles(knex, FUNCTION_FILES);
    await knex.raw(UP_SQL);
  },
  async down(knex: Knex) {
    await knex.raw(DOWN_SQL);
  },
};
