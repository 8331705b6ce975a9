/** Between OrderView/OrderRecord and the order_records row. */
import type { OrderView } from '../domain/types';
import type { OrderRecord } from './types';

export interface OrderRecordRow {
  order_id: string;
  request_hash: string | null;
  view: OrderView;
  workflow_id: string;
  run_id: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** The columns a record is read from. */
export const RECORD_COLUMNS = ['order_id', 'request_hash', 'view', 'workflow_id', 'run_id', 'version', 'created_at', 'updated_at'];
export const RECORD_COLUMNS_SQL = RECORD_COLUMNS.join(', ');

export function toRecord(row: OrderRecordRow): OrderRecord {
  return {
    orderId: row.order_id,
    ...(row.request_hash !== null ? { requestHash: row.request_hash } : {}),
    view: row.view,
    workflowId: row.workflow_id,
    ...(row.run_id !== null ? { runId: row.run_id } : {}),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const uniqueSorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** Every SKU the order holds now (after edits). */
export const skusOf = (view: OrderView): string[] => uniqueSorted(view.lines.map((l) => l.sku));

/**
 * Every warehouse involved: allocations plus every fulfillment, rejected and cancelled ones
 * included, so an order re-routed away from a warehouse is still found under it.
 */
export const warehousesOf = (view: OrderView): string[] =>
  uniqueSorted([...view.allocations.map((a) => a.warehouseId), ...view.fulfillments.map((f) => f.warehouseId)]);

/** The scalar columns copied out of the view for filtering. */
export function scalarColumns(view: OrderView): { channel: string; customer_id: string; customer_email: string | null; status: string } {
  return { channel: view.channel, customer_id: view.customer.id, customer_email: view.customer.email ?? null, status: view.status };
}
