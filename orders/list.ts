/** GET /orders as SQL: every filter, newest first, keyset pagination over (created_at, order_id). */
import type { Knex } from 'knex';
import type { OrderStatus } from '../domain/types';
import { filterKeyOf, type CursorCodec } from './cursor';
import { RECORD_COLUMNS, toRecord, type OrderRecordRow } from './rows';
import { MAX_LIST_LIMIT, type OrderRecordFilters, type OrderRecordPage, type OrderRecordPageRequest } from './types';

interface NormalFilters {
  statuses?: OrderStatus[];
  customerId?: string;
  sku?: string;
  channel?: string;
  warehouseId?: string;
  fulfilledAt?: string;
  after?: number;
  before?: number;
  shipByBefore?: string;
}

/** What "open" means for shipByBefore: the order has not left the building and is not closed. */
const NOT_OPEN = ['shipped', 'delivered', 'rejected', 'cancelled', 'timed_out'];

function timeOf(name: string, d: Date | undefined): number | undefined {
  if (d === undefined) return undefined;
  const t = d.getTime();
  if (Number.isNaN(t)) throw new RangeError(`${name} is not a valid date`);
  return t;
}

/** One spelling per meaning, so equal filters give equal cursor bindings. */
function normalize(f: OrderRecordFilters): NormalFilters {
  const statuses = f.status === undefined ? undefined : [...new Set(typeof f.status === 'string' ? [f.status] : f.status)].sort();
  return {
    ...(statuses !== undefined && statuses.length > 0 ? { statuses } : {}),
    ...(f.customerId !== undefined ? { customerId: f.customerId } : {}),
    ...(f.sku !== undefined ? { sku: f.sku } : {}),
    ...(f.channel !== undefined ? { channel: f.channel } : {}),
    ...(f.warehouseId !== undefined ? { warehouseId: f.warehouseId } : {}),
    ...(f.fulfilledAt !== undefined ? { fulfilledAt: f.fulfilledAt } : {}),
    ...(f.createdAfter !== undefined ? { after: timeOf('createdAfter', f.createdAfter) } : {}),
    ...(f.createdBefore !== undefined ? { before: timeOf('createdBefore', f.createdBefore) } : {}),
    ...(f.shipByBefore !== undefined ? { shipByBefore: new Date(timeOf('shipByBefore', new Date(f.shipByBefore))!).toISOString() } : {}),
  };
}

/** Builds the page query; exported so tests can EXPLAIN exactly what list() runs. */
export function listQuery(knex: Knex, codec: CursorCodec, filters: OrderRecordFilters, page: OrderRecordPageRequest): { query: Knex.QueryBuilder; filterKey: string } {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_LIST_LIMIT) throw new RangeError(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}`);
  const f = normalize(filters);
  const filterKey = filterKeyOf(f);
  const position = page.cursor !== undefined ? codec.decode(page.cursor, filterKey) : undefined;

  const q = knex.select(RECORD_COLUMNS.map((c) => `r.${c}`)).from('order_records as r');
  // The table whose (created_at, order_id) orders the page: a SKU or warehouse filter walks
  // its own (key, created_at, order_id) index in list order, so the join stops after a page.
  let by = 'r';
  if (f.sku !== undefined) {
    q.join('order_record_skus as s', 's.order_id', 'r.order_id').where('s.sku', f.sku);
    by = 's';
  }
  if (f.warehouseId !== undefined) {
    if (by === 'r') {
      q.join('order_record_warehouses as w', 'w.order_id', 'r.order_id').where('w.warehouse_id', f.warehouseId);
      by = 'w';
    } else {
      const warehouseId = f.warehouseId;
      q.whereExists((sub) => sub.select(knex.raw('1')).from('order_record_warehouses as w').whereRaw('w.order_id = r.order_id').where('w.warehouse_id', warehouseId));
    }
  }
  // The warehouses table also lists where units were only allocated; a fulfillment is what a warehouse is shown.
  if (f.fulfilledAt !== undefined) q.whereRaw(`EXISTS (SELECT 1 FROM jsonb_array_elements(r.view->'fulfillments') AS f(x) WHERE f.x->>'warehouseId' = ?)`, [f.fulfilledAt]);
  if (f.statuses !== undefined) {
    if (f.statuses.length === 1) q.where('r.status', f.statuses[0]);
    else q.whereIn('r.status', f.statuses);
  }
  if (f.customerId !== undefined) q.where('r.customer_id', f.customerId);
  if (f.channel !== undefined) q.where('r.channel', f.channel);
  if (f.after !== undefined) q.where(`${by}.created_at`, '>=', new Date(f.after));
  if (f.before !== undefined) q.where(`${by}.created_at`, '<', new Date(f.before));
  // shipBy is stored as UTC ISO text (one shape), so text order is time order (index order_records_ship_by).
  if (f.shipByBefore !== undefined) q.whereRaw(`r.view->>'shipBy' < ?`, [f.shipByBefore]).whereNotIn('r.status', NOT_OPEN);
  if (position !== undefined) q.whereRaw(`(${by}.created_at, ${by}.order_id) < (?, ?)`, [position.createdAt, position.orderId]);
  q.orderBy([
    { column: `${by}.created_at`, order: 'desc' },
    { column: `${by}.order_id`, order: 'desc' },
  ]).limit(page.limit + 1);
  return { query: q, filterKey };
}

export async function listRecords(knex: Knex, codec: CursorCodec, filters: OrderRecordFilters, page: OrderRecordPageRequest): Promise<OrderRecordPage> {
  const { query, filterKey } = listQuery(knex, codec, filters, page);
  const rows = (await query) as OrderRecordRow[];
  const orders = rows.slice(0, page.limit).map(toRecord);
  if (rows.length <= page.limit) return { orders };
  const last = orders[orders.length - 1];
  return { orders, nextCursor: codec.encode({ createdAt: last.createdAt, orderId: last.orderId }, filterKey) };
}
