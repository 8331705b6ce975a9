/**
 * Tells the orders a count took held units from (docs/design.md §16) to re-allocate them. The
 * ledger change is committed before this runs; a signal is retried a few times, and a lost
 * one leaves the order holding fewer units than it planned to ship from that warehouse until
 * support retries it (the count's `reallocated` names it).
 */
import type { Client } from '@temporalio/client';
import type { Reallocation } from '../domain/count';
import type { Logger } from '../platform/logger';
import { stockShortfallSignal } from '../workflows/order/messages';
import { orderWorkflowId } from '../domain/types';

const ATTEMPTS = 3;

export async function signalShortfalls(
  client: Client,
  log: Logger,
  count: { countId: string; warehouseId: string; reallocated: Reallocation[] },
  timeoutMs: number,
): Promise<void> {
  for (const r of count.reallocated) {
    const payload = { countId: count.countId, warehouseId: count.warehouseId, sku: r.sku, quantity: r.quantity };
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        await client.connection.withDeadline(Date.now() + timeoutMs, () => client.workflow.getHandle(orderWorkflowId(r.orderId)).signal(stockShortfallSignal, payload));
        break;
      } catch (err) {
        if (attempt === ATTEMPTS) log.warn('stockShortfall signal failed', { orderId: r.orderId, countId: count.countId, err });
      }
    }
  }
}
