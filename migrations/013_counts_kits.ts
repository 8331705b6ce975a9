import type { Knex } from 'knex';
import type { Migration } from './migration';

/*
 * Counts (docs/design.md §16). A count is one row: its lines (counted, expected, variance)
 * and what its shortfall re-allocated are jsonb, written once when it is applied; the
 * request hash makes a repeated countId with the same body a 200 and another body a 409.
 *
 * stock_movements gains the kind `count`. Other branches add kinds too (transfers), so the
 * kind CHECK is rebuilt from whatever list it holds now plus `count`, not from a fixed list.
 *
 * The as-of figure sums the on-hand movements of a SKU at a warehouse recorded after
 * countedAt: a partial index on the movements that change on hand (receipts, adjustments,
 * ships, returns, counts — not the far more numerous reserves and releases) keeps that read
 * to the count's window and costs the hot reservation path nothing.
 */
const UP_SQL = `
CREATE TABLE stock_counts (
  count_id text PRIMARY KEY CHECK (count_id <> ''),
  request_hash text NOT NULL,
  warehouse_id text NOT NULL REFERENCES warehouses (id),
  counted_at timestamptz(3) NOT NULL,
  source text NOT NULL CHECK (source IN ('cycle_count', 'warehouse_report')),
  status text NOT NULL CHECK (status IN ('applied', 'pending_approval', 'rejected')),
  lines jsonb NOT NULL,
  reallocated jsonb NOT NULL DEFAULT '[]'::jsonb,
  rejection_reason text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  decided_at timestamptz(3)
);
CREATE INDEX stock_counts_newest ON stock_counts (created_at DESC, count_id DESC);
CREATE INDEX stock_counts_by_status ON stock_counts (status, created_at DESC, count_id DESC);
CREATE INDEX stock_counts_by_warehouse ON stock_counts (warehouse_id, created_at DESC, count_id DESC);

CREATE INDEX stock_movements_on_hand_by_time ON stock_movements (warehouse_id, sku, created_at) WHERE on_hand_delta <> 0;

-- inventory.available_changed carries a per-SKU sequence (docs/design.md §18): the counter
-- lives on the row that records what was last sent, moved in the same UPDATE.
ALTER TABLE channel_availability_sent ADD COLUMN sequence bigint NOT NULL DEFAULT 0;

-- Kits (docs/design.md §18): a SKU with component rows is a kit; it has no stock of its own.
CREATE TABLE kit_components (
  kit_sku text NOT NULL REFERENCES skus (sku),
  component_sku text NOT NULL REFERENCES skus (sku),
  quantity integer NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (kit_sku, component_sku),
  CHECK (kit_sku <> component_sku)
);
CREATE INDEX kit_components_by_component ON kit_components (component_sku);
`;

const DOWN_SQL = `
DROP TABLE IF EXISTS kit_components;
ALTER TABLE channel_availability_sent DROP COLUMN IF EXISTS sequence;
DROP INDEX IF EXISTS stock_movements_on_hand_by_time;
DROP TABLE IF EXISTS stock_counts;
`;

/** The kinds the movement CHECK allows now (parsed from its definition). */
async function movementKinds(knex: Knex): Promise<string[]> {
  const { rows } = await knex.raw<{ rows: Array<{ def: string }> }>(
    `SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
      WHERE c.conrelid = 'stock_movements'::regclass AND c.conname = 'stock_movements_kind_check'`,
  );
  if (rows.length === 0) return [];
  return [...rows[0].def.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]);
}

async function setMovementKinds(knex: Knex, kinds: string[]): Promise<void> {
  const list = [...new Set(kinds)].map((k) => `'${k.replace(/[^a-z_]/g, '')}'`).join(', ');
  await knex.raw(`ALTER TABLE stock_movements DROP CONSTRAINT IF EXISTS stock_movements_kind_check`);
  await knex.raw(`ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_kind_check CHECK (kind IN (${list}))`);
}

export const countsKitsMigration: Migration = {
  name: '013_counts_kits',
  async up(knex: Knex) {
    await knex.raw(UP_SQL);
    await setMovementKinds(knex, [...(await movementKinds(knex)), 'count']);
  },
  async down(knex: Knex) {
    await setMovementKinds(knex, (await movementKinds(knex)).filter((k) => k !== 'count'));
    await knex.raw(DOWN_SQL);
  },
};
