import type { Knex } from 'knex';
import type { Migration } from './migration';
import { ledgerMigration } from './001_ledger';
import { closedOrdersMigration } from './002_closed_orders';
import { orderRecordsMigration } from './003_order_records';
import { webhooksChannelsMigration } from './004_webhooks_channels';
import { warehouseUrlsMigration } from './005_warehouse_urls';
import { orderReturnsMigration } from './006_order_returns';
import { orderIdempotencyKeysMigration } from './007_order_idempotency_keys';
import { orderRecordSaveMigration } from './008_order_record_save';
import { webhookSubscriptionBackoffMigration } from './009_webhook_subscription_backoff';
import { leastPrivilegeMigration } from './010_least_privilege';
import { stockMotionMigration } from './011_stock_motion';
import { sourcingMigration } from './012_sourcing';
import { countsKitsMigration } from './013_counts_kits';
import { promisePeriodsMigration } from './014_promise_periods';

export { installSqlFunctions } from './sql-functions';

export type { Migration };

/**
 * Migrations are listed here rather than discovered on disk so the same code runs
 * from TypeScript under jest and from compiled JavaScript in dist/ without knex
 * needing a TypeScript loader. Append new ones; never edit or reorder landed ones.
 * Database functions are not migrations: see sql-functions.ts (installed after the last one).
 */
export const MIGRATIONS: Migration[] = [
  ledgerMigration,
  closedOrdersMigration,
  orderRecordsMigration,
  webhooksChannelsMigration,
  warehouseUrlsMigration,
  orderReturnsMigration,
  orderIdempotencyKeysMigration,
  orderRecordSaveMigration,
  webhookSubscriptionBackoffMigration,
  leastPrivilegeMigration,
  stockMotionMigration,
  sourcingMigration,
  countsKitsMigration,
  promisePeriodsMigration,
];

export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: async () => MIGRATIONS,
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
};
