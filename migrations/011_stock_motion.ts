import type { Knex } from 'knex';
import type { Migration } from './migration';

/*
 * Stock in motion (docs/design.md §15): purchase orders and transfers as records that answer
 * for ever, like orders. Each keeps its whole view as jsonb (what GET answers) and one row per
 * line for the SQL that sums incoming, in transit and supply per (warehouse, SKU) and filters
 * lists; both are written in one transaction with the ledger write of the step.
 *
 * The ledger gains two movement kinds: `transfer_out` (on hand and reserved leave the source)
 * and `transfer_in` (on hand arrives at the destination). A transfer's reservations and
 * movements carry `transfer:<id>` in `order_id`, a PO receipt's movements `po:<id>`: order ids
 * never contain ":", so a document never meets an order.
 */
const KINDS_BEFORE = "'receipt', 'adjustment', 'reserve', 'release', 'ship', 'return'";

const UP_SQL = `
ALTER TABLE stock_movements DROP CONSTRAINT IF EXISTS stock_movements_kind_check;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_kind_check
  CHECK (kind IN (${KINDS_BEFORE}, 'transfer_out', 'transfer_in'));

CREATE TABLE purchase_orders (
  purchase_order_id text PRIMARY KEY CHECK (purchase_order_id <> ''),
  request_hash text NOT NULL,
  supplier text NOT NULL,
  warehouse_id text NOT NULL REFERENCES warehouses (id),
  status text NOT NULL CHECK (status IN ('open', 'partially_received', 'received', 'closed_short', 'cancelled')),
  expected_at timestamptz NOT NULL,
  view jsonb NOT NULL,
  version integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX purchase_orders_newest ON purchase_orders (created_at DESC, purchase_order_id DESC);

-- open: the line's outstanding units count as incoming (its PO is open or partially received).
CREATE TABLE purchase_order_lines (
  purchase_order_id text NOT NULL REFERENCES purchase_orders (purchase_order_id) ON DELETE CASCADE,
  sku text NOT NULL REFERENCES skus (sku),
  warehouse_id text NOT NULL,
  ordered integer NOT NULL CHECK (ordered > 0),
  received integer NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= ordered),
  open boolean NOT NULL DEFAULT true,
  PRIMARY KEY (purchase_order_id, sku)
);
CREATE INDEX purchase_order_lines_open_by_sku ON purchase_order_lines (sku) WHERE open;

CREATE TABLE purchase_order_idempotency_keys (
  key text PRIMARY KEY,
  purchase_order_id text NOT NULL REFERENCES purchase_orders (purchase_order_id) ON DELETE CASCADE
);

CREATE TABLE transfers (
  transfer_id text PRIMARY KEY CHECK (transfer_id <> ''),
  request_hash text NOT NULL,
  from_warehouse_id text NOT NULL REFERENCES warehouses (id),
  to_warehouse_id text NOT NULL REFERENCES warehouses (id),
  status text NOT NULL CHECK (status IN ('requested', 'in_transit', 'received', 'cancelled', 'needs_attention')),
  expected_at timestamptz,
  view jsonb NOT NULL,
  version integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (from_warehouse_id <> to_warehouse_id)
);
CREATE INDEX transfers_newest ON transfers (created_at DESC, transfer_id DESC);

-- status mirrors the transfer's, so supply and in-transit sums read the open lines only.
CREATE TABLE transfer_lines (
  transfer_id text NOT NULL REFERENCES transfers (transfer_id) ON DELETE CASCADE,
  sku text NOT NULL REFERENCES skus (sku),
  from_warehouse_id text NOT NULL,
  to_warehouse_id text NOT NULL,
  status text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  shipped integer NOT NULL DEFAULT 0 CHECK (shipped >= 0),
  received integer NOT NULL DEFAULT 0 CHECK (received >= 0),
  lost integer NOT NULL DEFAULT 0 CHECK (lost >= 0),
  PRIMARY KEY (transfer_id, sku),
  CHECK (received + lost <= shipped AND shipped <= quantity)
);
CREATE INDEX transfer_lines_open_by_sku ON transfer_lines (sku) WHERE status IN ('requested', 'in_transit', 'needs_attention');

-- The promise date of each backordered order (orders/promises.ts). changes counts the
-- changes, so each order.promise_changed has its own event id however many replicas compute it.
CREATE TABLE order_promises (
  order_id text PRIMARY KEY,
  promised_at timestamptz,
  changes integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE transfer_idempotency_keys (
  key text PRIMARY KEY,
  transfer_id text NOT NULL REFERENCES transfers (transfer_id) ON DELETE CASCADE
);
`;

const DOWN_SQL = `
DROP TABLE IF EXISTS order_promises, transfer_idempotency_keys, transfer_lines, transfers, purchase_order_idempotency_keys, purchase_order_lines, purchase_orders;
ALTER TABLE stock_movements DROP CONSTRAINT IF EXISTS stock_movements_kind_check;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_kind_check CHECK (kind IN (${KINDS_BEFORE}));
`;

export const stockMotionMigration: Migration = {
  name: '011_stock_motion',
  async up(knex: Knex) {
    await knex.raw(UP_SQL);
  },
  async down(knex: Knex) {
    await knex.raw(DOWN_SQL);
  },
};
