import { mergeAllocations, sumBySku } from './lines';
import type { LedgerContext, LedgerOrderStatus } from './context';
import type { Allocation, OrderLine, ReservationStatus } from './types';

export interface OrderPosition {
  /** Held and shipped units per (warehouse, sku). */
  allocations: Allocation[];
  /** Demand not yet held or shipped, per SKU. */
  remainder: OrderLine[];
}

export function withStatus(ctx: LedgerContext, ...statuses: ReservationStatus[]): Allocation[] {
  return mergeAllocations(
    ctx.reservations
      .filter((r) => statuses.includes(r.status))
      .map((r) => ({ warehouseId: r.warehouseId, sku: r.sku, quantity: r.quantity })),
  );
}

/** Where the order stands given a demand: a released order awaits nothing. */
export function orderPosition(ctx: LedgerContext, demand: readonly OrderLine[], open: boolean): OrderPosition {
  const allocations = withStatus(ctx, 'held', 'shipped');
  const covered = sumBySku(allocations);
  const remainder = open
    ? demand
        .map((d) => ({ sku: d.sku, quantity: d.quantity - (covered.get(d.sku) ?? 0) }))
        .filter((d) => d.quantity > 0)
    : [];
  return { allocations, remainder };
}

/**
 * The status a write leaves an order in. An open order with nothing held and nothing
 * left to hold has shipped its whole demand: it closes, which takes its demand out of
 * the index receipts and ordersAwaiting() read. Other statuses are left as they are.
 */
export function statusAfter(current: LedgerOrderStatus | undefined, held: readonly Allocation[], remainder: readonly OrderLine[]): LedgerOrderStatus | undefined {
  if (current !== 'open') return current;
  return held.length === 0 && remainder.length === 0 ? 'closed' : 'open';
}
