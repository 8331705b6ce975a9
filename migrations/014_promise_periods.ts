import type { Knex } from 'knex';
import type { Migration } from './migration';

/*
 * A promise row outlives the order's wait (orders/promises.ts): when the order stops waiting
 * the row is kept with `waiting` false instead of deleted, so `changes` keeps counting. An
 * order that waits again (a count shortfall, a rejected fulfillment) then announces its new
 * promise under a new event id; with the row deleted, the id `promise:<order>:1` came again
 * and the outbox, which already held it, dropped the event.
 */
export const promisePeriodsMigration: Migration = {
  name: '014_promise_periods',
  async up(knex: Knex) {
    await knex.raw('ALTER TABLE order_promises ADD COLUMN waiting boolean NOT NULL DEFAULT true');
  },
  async down(knex: Knex) {
    await knex.raw('DELETE FROM order_promises WHERE NOT waiting');
    await knex.raw('ALTER TABLE order_promises DROP COLUMN waiting');
  },
};
