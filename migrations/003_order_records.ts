import type { Knex } from 'knex';
import type { Migration } from './migration';

/*
 * The order record: every order ever accepted, for as long as the business keeps it
 * (Temporal forgets a closed workflow after its retention). `view` is the whole OrderView;
 * the scalar columns are copies of it that exist only to be filtered and indexed.
 *
 * created_at is timestamptz(3): the list's keyset cursor carries it as a JS millisecond
 * time, so the column must round-trip through a Date exactly or a page boundary could
 * skip or repeat rows that share a millisecond.
 *
 * status has no CHECK: the workflow owns the set of statuses, and adding one must not
 * need a migration here.
 *
 * request_hash is NULL only for a record first written by the workflow (an order started
 * before records existed); intake always sets it.
 *
 * The SKU and warehouse tables repeat created_at so a filtered list walks one index in
 * list order, (key, created_at desc, order_id desc), and stops after a page, instead of
 * collecting every order of a popular SKU and sorting them. created_at never changes
 * after insert, so the copy cannot drift.
 */
const TABLES_SQL = `
CREATE TABLE order_records (
  order_id text PRIMARY KEY CHECK (order_id <> ''),
  request_hash text,
  channel text NOT NULL,
  customer_id text NOT NULL,
  customer_email text,
  status text NOT NULL,
  view jsonb NOT NULL,
  workflow_id text NOT NULL,
  run_id text,
  version integer NOT NULL DEFAULT 0,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_records_newest ON order_records (created_at DESC, order_id DESC);
CREATE INDEX order_records_by_status ON order_records (status, created_at DESC, order_id DESC);
CREATE INDEX order_records_by_customer ON order_records (customer_id, created_at DESC, order_id DESC);
CREATE INDEX order_records_by_channel ON order_records (channel, created_at DESC, order_id DESC);

CREATE TABLE order_record_skus (
  order_id text NOT NULL REFERENCES order_records (order_id) ON DELETE CASCADE,
  sku text NOT NULL,
  created_at timestamptz(3) NOT NULL,
  PRIMARY KEY (order_id, sku)
);
CREATE INDEX order_record_skus_by_sku ON order_record_skus (sku, created_at DESC, order_id DESC);

CREATE TABLE order_record_warehouses (
  order_id text NOT NULL REFERENCES order_records (order_id) ON DELETE CASCADE,
  warehouse_id text NOT NULL,
  created_at timestamptz(3) NOT NULL,
  PRIMARY KEY (order_id, warehouse_id)
);
CREATE INDEX order_record_warehouses_by_warehouse ON order_record_warehouses (warehouse_id, created_at DESC, order_id DESC);
`;

const DROP_TABLES_SQL = `DROP TABLE IF EXISTS order_record_warehouses, order_record_skus, order_records;`;

export const orderRecordsMigration: Migration = {
  name: '003_order_records',
  async up(knex: Knex) {
    await knex.raw(TABLES_SQL);
  },
  async down(knex: Knex) {
    await knex.raw(DROP_TABLES_SQL);
  },
};
