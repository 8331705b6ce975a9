/**
 * "Which of these orders are closed?" for the reconciliation's held-for-a-closed-order check,
 * answered by the order records: an order whose record is terminal is closed, one whose record
 * is open is not (a workflow terminated from the UI is found by the reaper, which closes its
 * record). Only orders with no record at all (started around the API) ask Temporal.
 */
import type { ClosedOrdersCheck } from '../ledger/types';
import type { OrderRecords } from '../orders';
import { isTerminal } from '../domain/order-rules';

export function createRecordClosedCheck(records: Pick<OrderRecords, 'statuses'>, withoutRecord: ClosedOrdersCheck): ClosedOrdersCheck {
  return async (orderIds) => {
    const statuses = await records.statuses(orderIds);
    const closed = new Set(orderIds.filter((id) => { const s = statuses.get(id); return s !== undefined && isTerminal(s); }));
    const unknown = orderIds.filter((id) => !statuses.has(id));
    if (unknown.length > 0) for (const id of await withoutRecord(unknown)) closed.add(id);
    return closed;
  };
}
