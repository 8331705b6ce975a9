import type { Knex } from 'knex';
import { LedgerError } from './errors';
import { peerUrlProblem } from '../integrations/peer-url';
import type { Sku, Warehouse, WarehouseInput } from './types';

interface WarehouseRow {
  id: string;
  name: string;
  priority: number;
  active: boolean;
  fulfillment_url: string | null;
  countries: string[] | null;
  daily_capacity: number | null;
}

interface SkuRow {
  sku: string;
  name: string;
  reorder_point: number;
  safety_stock: number;
}

const toWarehouse = (r: WarehouseRow): Warehouse => ({
  id: r.id,
  name: r.name,
  priority: r.priority,
  active: r.active,
  fulfillmentUrl: r.fulfillment_url,
  ...(r.countries === null ? {} : { countries: r.countries }),
  ...(r.daily_capacity === null ? {} : { dailyCapacity: r.daily_capacity }),
});
const WAREHOUSE_COLUMNS = ['id', 'name', 'priority', 'active', 'fulfillment_url', 'countries', 'daily_capacity'];

/** Sourcing's fields (docs/design.md §17); the API names the field, this is the last line of defence. */
function checkSourcingFields(input: WarehouseInput): void {
  if (input.countries != null && (!Array.isArray(input.countries) || input.countries.some((c) => typeof c !== 'string' || !/^[A-Z]{2}$/.test(c)))) {
    throw new TypeError('countries must be ISO alpha-2 codes');
  }
  if (input.dailyCapacity != null && !(Number.isInteger(input.dailyCapacity) && input.dailyCapacity >= 0 && input.dailyCapacity <= 1e9)) {
    throw new LedgerError('INVALID_QUANTITY', 'daily capacity must be a whole number from 0', { dailyCapacity: input.dailyCapacity });
  }
}
const toSku = (r: SkuRow): Sku => ({ sku: r.sku, name: r.name, reorderPoint: r.reorder_point, safetyStock: r.safety_stock });

function requireText(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string`);
}

/**
 * Omitted priority/active/fulfillmentUrl keep the stored values on update (defaults 100, true
 * and null on insert); `fulfillmentUrl: null` clears the URL.
 */
export async function upsertWarehouse(knex: Knex, input: WarehouseInput): Promise<{ warehouse: Warehouse; created: boolean }> {
  requireText(input.id, 'warehouse id');
  requireText(input.name, 'warehouse name');
  if (input.priority !== undefined && !Number.isSafeInteger(input.priority)) {
    throw new LedgerError('INVALID_QUANTITY', 'priority must be a whole number', { priority: input.priority });
  }
  if (typeof input.fulfillmentUrl === 'string') {
    const problem = peerUrlProblem(input.fulfillmentUrl);
    if (problem) throw new TypeError(`fulfillment URL ${problem}`);
  }
  checkSourcingFields(input);
  const priority = input.priority ?? null;
  const active = input.active ?? null;
  const setCountries = input.countries !== undefined;
  const countries = input.countries ? [...new Set(input.countries)].sort() : null;
  const setCapacity = input.dailyCapacity !== undefined;
  // undefined keeps the stored URL, null clears it: coalesce cannot tell them apart, a flag does.
  const setUrl = input.fulfillmentUrl !== undefined;
  const url = input.fulfillmentUrl ?? null;
  const { rows } = await knex.raw<{ rows: Array<WarehouseRow & { created: boolean }> }>(
    `INSERT INTO warehouses (id, name, priority, active, fulfillment_url, countries, daily_capacity)
     VALUES (?, ?, coalesce(?::integer, 100), coalesce(?::boolean, true), ?::text, ?::text[], ?::integer)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name,
       priority = coalesce(?::integer, warehouses.priority), active = coalesce(?::boolean, warehouses.active),
       fulfillment_url = CASE WHEN ?::boolean THEN excluded.fulfillment_url ELSE warehouses.fulfillment_url END,
       countries = CASE WHEN ?::boolean THEN excluded.countries ELSE warehouses.countries END,
       daily_capacity = CASE WHEN ?::boolean THEN excluded.daily_capacity ELSE warehouses.daily_capacity END
     RETURNING ${WAREHOUSE_COLUMNS.join(', ')}, (xmax = 0) AS created`,
    [input.id, input.name, priority, active, url, countries, input.dailyCapacity ?? null, priority, active, setUrl, setCountries, setCapacity],
  );
  return { warehouse: toWarehouse(rows[0]), created: rows[0].created };
}

export async function listWarehouses(knex: Knex): Promise<Warehouse[]> {
  const rows = await knex('warehouses').select<WarehouseRow[]>(WAREHOUSE_COLUMNS).orderBy([
    { column: 'priority' },
    { column: 'id' },
  ]);
  return rows.map(toWarehouse);
}

/** A changed reorder point can open or clear the SKU's alert, so it is re-evaluated at once. */
export async function upsertSku(
  knex: Knex,
  input: { sku: string; name: string; reorderPoint?: number; safetyStock?: number },
): Promise<{ sku: Sku; created: boolean }> {
  requireText(input.sku, 'sku');
  requireText(input.name, 'sku name');
  if (input.reorderPoint !== undefined && !(Number.isInteger(input.reorderPoint) && input.reorderPoint >= 0 && input.reorderPoint <= 1e9)) {
    throw new LedgerError('INVALID_QUANTITY', 'reorder point must be a whole number from 0', { reorderPoint: input.reorderPoint });
  }
  if (input.safetyStock !== undefined && !(Number.isInteger(input.safetyStock) && input.safetyStock >= 0 && input.safetyStock <= 1e9)) {
    throw new LedgerError('INVALID_QUANTITY', 'safety stock must be a whole number from 0', { safetyStock: input.safetyStock });
  }
  const point = input.reorderPoint ?? null;
  const safety = input.safetyStock ?? null;
  return knex.transaction(async (trx) => {
    const { rows } = await trx.raw<{ rows: Array<SkuRow & { created: boolean }> }>(
      `INSERT INTO skus (sku, name, reorder_point, safety_stock) VALUES (?, ?, coalesce(?::integer, 0), coalesce(?::integer, 0))
       ON CONFLICT (sku) DO UPDATE SET name = excluded.name, reorder_point = coalesce(?::integer, skus.reorder_point),
         safety_stock = coalesce(?::integer, skus.safety_stock)
       RETURNING sku, name, reorder_point, safety_stock, (xmax = 0) AS created`,
      [input.sku, input.name, point, safety, point, safety],
    );
    if (!rows[0].created) await trx.raw('SELECT ledger_evaluate_alerts(?::text[])', [[input.sku]]);
    return { sku: toSku(rows[0]), created: rows[0].created };
  });
}

export async function getSku(knex: Knex, sku: string): Promise<Sku | undefined> {
  const row = await knex('skus').where({ sku }).first<SkuRow | undefined>('sku', 'name', 'reorder_point', 'safety_stock');
  return row && toSku(row);
}

/**
 * What validating an order needs from the catalog, in one round trip: the SKUs among `skus`
 * that are not in it, and how many warehouses are active.
 */
export async function catalogFacts(knex: Knex, skus: string[]): Promise<{ unknownSkus: string[]; activeWarehouses: number }> {
  const wanted = [...new Set(skus)];
  const { rows } = (await knex.raw(
    `SELECT ARRAY(SELECT s FROM unnest(?::text[]) WITH ORDINALITY AS w(s, i)
                  WHERE NOT EXISTS (SELECT 1 FROM skus k WHERE k.sku = w.s) ORDER BY i) AS unknown,
            (SELECT count(*)::int FROM warehouses WHERE active) AS active`,
    [wanted],
  )) as { rows: { unknown: string[]; active: number }[] };
  return { unknownSkus: rows[0].unknown, activeWarehouses: rows[0].active };
}
