import type { Knex } from 'knex';
import type { Migration } from './migration';

/*
 * A return lives in its order's record (view.returns[]); this table only finds that record
 * from a return id (GET /returns/:id) and makes a return id the order's for ever. It is
 * written in the same transaction as the record change that adds the return.
 */
export const orderReturnsMigration: Migration = {
  name: '006_order_returns',
  async up(knex: Knex) {
    await knex.raw(`
      CREATE TABLE IF NOT EXISTS order_returns (
        return_id text PRIMARY KEY CHECK (return_id <> ''),
        order_id text NOT NULL REFERENCES order_records (order_id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX IF NOT EXISTS order_returns_by_order ON order_returns (order_id);
    `);
  },
  async down(knex: Knex) {
    await knex.raw('DROP TABLE IF EXISTS order_returns');
  },
};
