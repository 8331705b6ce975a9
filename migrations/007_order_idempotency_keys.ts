import type { Knex } from 'knex';
import type { Migration } from './migration';

/*
 * POST /orders' Idempotency-Key, once seen, names one order for ever: the same key with
 * another order id is a 409, not a second order. A table of its own (rather than a column of
 * order_records) because a key is claimed before the record is written and outlives nothing
 * but the record: both are kept as long as the business keeps orders.
 */
export const orderIdempotencyKeysMigration: Migration = {
  name: '007_order_idempotency_keys',
  async up(knex: Knex) {
    await knex.raw(`
CREATE TABLE IF NOT EXISTS order_idempotency_keys (
  key text PRIMARY KEY CHECK (key <> ''),
  order_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
)`);
  },
  async down(knex: Knex) {
    await knex.raw('DROP TABLE IF EXISTS order_idempotency_keys');
  },
};
