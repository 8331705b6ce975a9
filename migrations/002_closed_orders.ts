import type { Knex } from 'knex';
import type { Migration } from './migration';
import { installSqlFiles } from './sql-functions';

/*
 * Closed orders stop costing the ledger anything. An order whose whole demand has
 * shipped (nothing held, nothing left to hold) gets status 'closed', and its demand rows
 * leave the partial index that ordersAwaiting() (run after every receipt) reads, so that
 * read no longer grows with every order ever delivered. Released orders leave it too.
 * Held reservations get a partial index of their own, so reconcile()'s held-vs-reserved
 * check reads the held rows only, not every shipped and released one.
 *
 * order_demands.open copies "ledger_orders.status = 'open'" because an index cannot look
 * into another table; ledger_apply() keeps the two in step in the same transaction.
 *
 * This migration once redefined ledger_apply() for that; its one definition is now
 * ledger/sql/ledger_apply.sql. `down` leaves it installed: the functions follow the code,
 * not the schema, so a database taken below this migration is meant to be migrated up
 * again by this code (test/migrations.upgrade.test.ts), not run.
 */
const UP_SQL = `
ALTER TABLE ledger_orders DROP CONSTRAINT ledger_orders_status_check;
ALTER TABLE ledger_orders ADD CONSTRAINT ledger_orders_status_check CHECK (status IN ('open', 'released', 'closed'));

UPDATE ledger_orders o SET status = 'closed', version = o.version + 1, updated_at = now()
 WHERE o.status = 'open'
   AND NOT EXISTS (SELECT 1 FROM reservations r WHERE r.order_id = o.order_id AND r.status = 'held')
   AND EXISTS (SELECT 1 FROM order_demands d WHERE d.order_id = o.order_id)
   AND NOT EXISTS (
     SELECT 1 FROM order_demands d
      WHERE d.order_id = o.order_id
        AND d.quantity > coalesce((SELECT sum(r.quantity) FROM reservations r
                                    WHERE r.order_id = d.order_id AND r.sku = d.sku AND r.status = 'shipped'), 0));

ALTER TABLE order_demands ADD COLUMN open boolean NOT NULL DEFAULT true;
UPDATE order_demands d SET open = false FROM ledger_orders o WHERE o.order_id = d.order_id AND o.status <> 'open';

CREATE INDEX order_demands_open_by_sku ON order_demands (sku, order_id) WHERE open;
DROP INDEX order_demands_by_sku;
CREATE INDEX reservations_held ON reservations (sku, warehouse_id) WHERE status = 'held';
`;

const DOWN_SQL = `
DROP INDEX reservations_held;
CREATE INDEX order_demands_by_sku ON order_demands (sku);
DROP INDEX order_demands_open_by_sku;
ALTER TABLE order_demands DROP COLUMN open;
UPDATE ledger_orders SET status = 'open' WHERE status = 'closed';
ALTER TABLE ledger_orders DROP CONSTRAINT ledger_orders_status_check;
ALTER TABLE ledger_orders ADD CONSTRAINT ledger_orders_status_check CHECK (status IN ('open', 'released'));
`;

export const closedOrdersMigration: Migration = {
  name: '002_closed_orders',
  async up(knex: Knex) {
    await knex.raw(UP_SQL);
    await installSqlFiles(knex, ['ledger/sql/ledger_apply.sql']);
  },
  async down(knex: Knex) {
    await knex.raw(DOWN_SQL);
  },
};
