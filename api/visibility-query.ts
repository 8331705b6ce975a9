/**
 * Builds Temporal visibility (List Filter) queries for the order list. Values are always
 * single-quoted SQL string literals with `'` doubled, so no filter value can change the
 * shape of the query. Backslashes and double quotes are refused outright: the visibility
 * parser does not treat them consistently (measured on the SQLite store of the dev server:
 * no escaping makes a value holding `"` match, and `\\` is not unescaped), so the API's
 * schemas keep them out of every filterable value and this is the last guard.
 */
export interface OrderListFilters {
  statuses?: string[];
  customerId?: string;
  sku?: string;
  channel?: string;
  warehouseId?: string;
  /** ISO times (UTC); StartTime is when the order's workflow started. */
  createdAfter?: string;
  createdBefore?: string;
}

export const ORDER_WORKFLOW_TYPE = 'orderWorkflow';

/** A List Filter string literal. */
export function quoteLiteral(value: string): string {
  if (/["\\\p{Cc}]/u.test(value)) throw new RangeError('visibility filter values must not contain ", \\ or control characters');
  return `'${value.replace(/'/g, "''")}'`;
}

export function orderListQuery(filters: OrderListFilters): string {
  const clauses = [`WorkflowType = ${quoteLiteral(ORDER_WORKFLOW_TYPE)}`];
  if (filters.statuses && filters.statuses.length === 1) clauses.push(`OrderStatus = ${quoteLiteral(filters.statuses[0])}`);
  else if (filters.statuses && filters.statuses.length > 1) clauses.push(`OrderStatus IN (${[...new Set(filters.statuses)].map(quoteLiteral).join(', ')})`);
  if (filters.customerId !== undefined) clauses.push(`CustomerId = ${quoteLiteral(filters.customerId)}`);
  if (filters.channel !== undefined) clauses.push(`Channel = ${quoteLiteral(filters.channel)}`);
  // On a KeywordList attribute `=` means "contains".
  if (filters.sku !== undefined) clauses.push(`Skus = ${quoteLiteral(filters.sku)}`);
  if (filters.warehouseId !== undefined) clauses.push(`WarehouseIds = ${quoteLiteral(filters.warehouseId)}`);
  if (filters.createdAfter !== undefined) clauses.push(`StartTime >= ${quoteLiteral(filters.createdAfter)}`);
  if (filters.createdBefore !== undefined) clauses.push(`StartTime < ${quoteLiteral(filters.createdBefore)}`);
  return clauses.join(' AND ');
}
