import type { Knex } from 'knex';
import type { Migration } from './migration';

/*
 * A warehouse with a fulfillment_url is reached over HTTP (docs/design.md §10); null keeps it on
 * WAREHOUSE_MODE. Nullable with no default, so adding it rewrites no rows.
 */
export const warehouseUrlsMigration: Migration = {
  name: '005_warehouse_urls',
  async up(knex: Knex) {
    await knex.raw('ALTER TABLE warehouses ADD COLUMN IF NOT EXISTS fulfillment_url text NULL');
  },
  async down(knex: Knex) {
    await knex.raw('ALTER TABLE warehouses DROP COLUMN IF EXISTS fulfillment_url');
  },
};
