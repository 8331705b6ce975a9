import type { Knex } from 'knex';
import type { Migration } from './migration';
import { installSqlFiles } from './sql-functions';

/*
 * An order-record save in one statement, with the events the save implies emitted in the same
 * transaction: order_record_save and its helpers, orders/sql/*.sql (the header of
 * order_record_save.sql says how the event gates work).
 */
const FUNCTION_FILES = [
  'orders/sql/order_event_gate.sql',
  'orders/sql/order_record_list_same.sql',
  'orders/sql/order_record_skus_of.sql',
  'orders/sql/order_record_warehouses_of.sql',
  'orders/sql/order_record_save.sql',
];

export const orderRecordSaveMigration: Migration = {
  name: '008_order_record_save',
  async up(knex: Knex) {
    await installSqlFiles(knex, FUNCTION_FILES);
  },
  async down(knex: Knex) {
    await knex.raw(`DROP FUNCTION IF EXISTS order_record_save(jsonb); DROP FUNCTION IF EXISTS order_event_gate(jsonb, jsonb);
DROP FUNCTION IF EXISTS order_record_list_same(jsonb, jsonb); DROP FUNCTION IF EXISTS order_record_skus_of(jsonb); DROP FUNCTION IF EXISTS order_record_warehouses_of(jsonb);`);
  },
};
