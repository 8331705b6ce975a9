/**
 * A count found fewer units at a warehouse than were held there (docs/design.md §16): the
 * ledger already took `quantity` units of this order's hold, so the order re-allocates them
 * like a rejected fulfillment's (other warehouses, else backorder), without excluding the
 * warehouse. The unpicked fulfillment there shrinks to what is still held.
 */
import { log } from '@temporalio/workflow';
import { isTerminal } from '../../../domain/order-rules';
import { fulfillmentView, liveRuns, type OrderState } from '../state';
import { refresh } from '../visibility';

export interface Shortfall {
  countId: string;
  warehouseId: string;
  sku: string;
  quantity: number;
}

const UNPICKED = ['requested', 'picking'];

export function applyShortfall(s: OrderState, sf: Shortfall): void {
  if (!sf || typeof sf.countId !== 'string' || !(sf.quantity > 0)) return;
  if (isTerminal(s.view.status) || s.closing) return;
  const key = `${sf.countId}\u0000${sf.warehouseId}\u0000${sf.sku}`;
  if (s.shortfallsSeen.includes(key)) return;
  s.shortfallsSeen.push(key);
  let left = sf.quantity;
  // Latest fulfillment first, like the ledger's latest hold first.
  for (const run of [...liveRuns(s)].reverse()) {
    if (left === 0) break;
    const f = fulfillmentView(s, run);
    if (run.warehouseId !== sf.warehouseId || !UNPICKED.includes(f.status)) continue;
    const line = f.lines.find((l) => l.sku === sf.sku);
    if (!line) continue;
    const take = Math.min(left, line.quantity);
    const lines = f.lines.map((l) => (l === line ? { ...l, quantity: l.quantity - take } : l)).filter((l) => l.quantity > 0);
    const idle = !run.running && run.step === 'request' && f.status === 'requested';
    // A pick under way keeps what the warehouse was asked for if nothing would be left: it
    // will find nothing and say so (pick_failed, rejected), which the order already handles.
    if (lines.length === 0 && !idle) continue;
    f.lines = lines;
    if (lines.length === 0) {
      f.status = 'cancelled';
      f.reason = `no units left after count ${sf.countId}`;
    }
    left -= take;
  }
  s.rerouteNeeded = true;
  log.info('count shortfall: re-allocating', { orderId: s.id, ...sf });
  refresh(s, `count ${sf.countId}: ${sf.quantity} of ${sf.sku} missing at ${sf.warehouseId}; re-allocating`);
}
