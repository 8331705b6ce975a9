import type { Knex } from 'knex';
import type { Migration } from './migration';
import { installSqlFiles } from './sql-functions';

/*
 * Quantities are `integer`: pg hands int4 back as a JS number, while int8 arrives as a
 * string. The ledger caps one request at 1e9 units, far below the int4 range.
 *
 * Movements and reservations carry no foreign keys. Their only writer, ledger_apply(),
 * writes them in the same transaction as the stock_levels row they belong to (the
 * balance update fails, and rolls everything back, when that row is missing), and
 * reconcile() reports movements without a balance row. A foreign-key check would take
 * a key-share lock on the hot balance or SKU row for every reservation, turning its
 * lock into a multixact, and would force the inserts to follow the balance update,
 * lengthening the time the hot row stays locked.
 */
const TABLES_SQL = `
CREATE TABLE warehouses (
  id text PRIMARY KEY CHECK (id <> ''),
  name text NOT NULL,
  priority integer NOT NULL DEFAULT 100,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE skus (
  sku text PRIMARY KEY CHECK (sku <> ''),
  name text NOT NULL,
  reorder_point integer NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- fillfactor leaves room on each page so balance updates stay HOT (no index churn).
CREATE TABLE stock_levels (
  warehouse_id text NOT NULL REFERENCES warehouses (id),
  sku text NOT NULL REFERENCES skus (sku),
  on_hand integer NOT NULL DEFAULT 0,
  reserved integer NOT NULL DEFAULT 0,
  PRIMARY KEY (warehouse_id, sku),
  CONSTRAINT stock_levels_balance CHECK (0 <= reserved AND reserved <= on_hand)
) WITH (fillfactor = 70);
CREATE INDEX stock_levels_by_sku ON stock_levels (sku);

CREATE TABLE stock_movements (
  id bigserial PRIMARY KEY,
  warehouse_id text NOT NULL,
  sku text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('receipt', 'adjustment', 'reserve', 'release', 'ship', 'return')),
  on_hand_delta integer NOT NULL,
  reserved_delta integer NOT NULL,
  order_id text,
  idempotency_key text NOT NULL UNIQUE,
  reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (on_hand_delta <> 0 OR reserved_delta <> 0)
);
CREATE INDEX stock_movements_by_sku ON stock_movements (sku, id DESC);
CREATE INDEX stock_movements_by_order ON stock_movements (order_id) WHERE order_id IS NOT NULL;

-- Append-only: the history is the audit trail reconcile() checks balances against.
CREATE TRIGGER stock_movements_append_only BEFORE UPDATE OR DELETE ON stock_movements
  FOR EACH ROW EXECUTE FUNCTION stock_movements_append_only();

-- One row per order: its version lets a write planned from an unlocked read detect
-- that another call for the same order got there first.
CREATE TABLE ledger_orders (
  order_id text PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('open', 'released')),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE order_demands (
  order_id text NOT NULL REFERENCES ledger_orders (order_id),
  sku text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (order_id, sku)
);
CREATE INDEX order_demands_by_sku ON order_demands (sku);

-- Units are aggregated per status: release and ship move quantity between rows.
CREATE TABLE reservations (
  order_id text NOT NULL,
  warehouse_id text NOT NULL,
  sku text NOT NULL,
  status text NOT NULL CHECK (status IN ('held', 'released', 'shipped')),
  quantity integer NOT NULL CHECK (quantity > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, warehouse_id, sku, status)
);

CREATE TABLE ledger_idempotency (
  key text PRIMARY KEY,
  op text NOT NULL,
  request_hash text NOT NULL,
  result jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reorder_alerts (
  id bigserial PRIMARY KEY,
  sku text NOT NULL REFERENCES skus (sku),
  available integer NOT NULL,
  reorder_point integer NOT NULL,
  opened_at timestamptz NOT NULL DEFAULT now(),
  cleared_at timestamptz
);
CREATE UNIQUE INDEX reorder_alerts_one_open ON reorder_alerts (sku) WHERE cleared_at IS NULL;
`;

/*
 * The ledger's functions (ledger/sql/*.sql, their header states the lock order). Installed here
 * so the trigger above finds its function; every migrate installs them all again after the last
 * migration (sql-functions.ts), so their current bodies are what runs.
 */
const LEDGER_FUNCTION_FILES = [
  'ledger/sql/stock_movements_append_only.sql',
  'ledger/sql/ledger_lock_order.sql',
  'ledger/sql/ledger_context.sql',
  'ledger/sql/ledger_evaluate_alert.sql',
  'ledger/sql/ledger_evaluate_alerts.sql',
  'ledger/sql/ledger_apply.sql',
  'ledger/sql/ledger_reserve_single.sql',
];

const DROP_SQL = `
DROP FUNCTION IF EXISTS ledger_reserve_single(jsonb), ledger_apply(jsonb), ledger_evaluate_alerts(text[]), ledger_evaluate_alert(text),
  ledger_context(jsonb), ledger_lock_order(text);
DROP TABLE IF EXISTS reorder_alerts, ledger_idempotency, reservations, order_demands, ledger_orders,
  stock_movements, stock_levels, skus, warehouses;
DROP FUNCTION IF EXISTS stock_movements_append_only();
`;

export const ledgerMigration: Migration = {
  name: '001_ledger',
  async up(knex: Knex) {
    await installSqlFiles(knex, LEDGER_FUNCTION_FILES);
    await knex.raw(TABLES_SQL);
  },
  async down(knex: Knex) {
    await knex.raw(DROP_SQL);
  },
};
