import type { Knex } from 'knex';
import type { Migration } from './migration';
import { installSqlFiles } from './sql-functions';

/*
 * Sourcing and ship-by (docs/design.md §17). Warehouses gain where they ship to and how many
 * fulfillments they can open per UTC day; channels gain their sourcing rule and ship-within
 * hours. All nullable with no default: adding them rewrites no rows, and null means "as
 * before" (priority, no capacity, no ship-by).
 *
 * warehouse_daily_opened is the count the capacity is held against, written by the ledger in
 * the transaction that places an order at a warehouse (ledger_apply_sourced), so it holds
 * across worker replicas. Only warehouses with a capacity are counted: a counter row per
 * warehouse and day is a hot row every order there would queue on.
 *
 * ledger_sku_waits is the queue for scarce stock: a row per (SKU, order) while the order has
 * units of the SKU backordered, with its shipBy and since when it waits (compareWaiting's
 * keys). Written by the same sourced writes; rows of orders that stopped waiting some other
 * way (a release, an edit) are dropped by the next write that reads them.
 */
const UP_SQL = `
ALTER TABLE warehouses ADD COLUMN countries text[] NULL,
  ADD COLUMN daily_capacity integer NULL CHECK (daily_capacity >= 0);
ALTER TABLE channels ADD COLUMN sourcing jsonb NULL,
  ADD COLUMN ship_within_hours double precision NULL CHECK (ship_within_hours > 0);
CREATE TABLE warehouse_daily_opened (
  warehouse_id text NOT NULL REFERENCES warehouses (id),
  day date NOT NULL,
  opened integer NOT NULL CHECK (opened >= 0),
  PRIMARY KEY (warehouse_id, day)
);
CREATE TABLE ledger_sku_waits (
  sku text NOT NULL,
  order_id text NOT NULL,
  ship_by timestamptz NULL,
  waiting_since timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sku, order_id)
);
CREATE INDEX ledger_sku_waits_by_order ON ledger_sku_waits (order_id);
CREATE INDEX order_records_ship_by ON order_records ((view->>'shipBy')) WHERE view->>'shipBy' IS NOT NULL;
`;

const DOWN_SQL = `
DROP FUNCTION IF EXISTS ledger_reserve_single_sourced(jsonb), ledger_apply_sourced(jsonb), ledger_utc_day();
DROP INDEX IF EXISTS order_records_ship_by;
DROP TABLE IF EXISTS warehouse_daily_opened, ledger_sku_waits;
ALTER TABLE channels DROP COLUMN IF EXISTS ship_within_hours, DROP COLUMN IF EXISTS sourcing;
ALTER TABLE warehouses DROP COLUMN IF EXISTS daily_capacity, DROP COLUMN IF EXISTS countries;
`;

// The functions this migration introduces (docs/database-functions.md); every migrate installs them again.
const FUNCTION_FILES = ['ledger/sql/ledger_utc_day.sql', 'ledger/sql/ledger_apply_sourced.sql', 'ledger/sql/ledger_reserve_single_sourced.sql'];

export const sourcingMigration: Migration = {
  name: '012_sourcing',
  async up(knex: Knex) {
    await knex.raw(UP_SQL);
    await installSqlFiles(knex, FUNCTION_FILES);
  },
  async down(knex: Knex) {
    await knex.raw(DOWN_SQL);
  },
};
