/**
 * Who gets scarce stock first (docs/design.md §17), and so also in which order supply is
 * promised (§15): earliest `shipBy` first, orders without one after those with one; then
 * whoever started waiting first; then the order id, so that the order is total and every
 * replica and every computation agrees on it.
 */
export interface WaitingOrder {
  orderId: string;
  /** ISO 8601, or null when the order has no ship-by. */
  shipBy: string | null;
  /** ISO 8601: when the order started waiting for the SKU. */
  waitingSince: string;
}

export function compareWaiting(a: WaitingOrder, b: WaitingOrder): number {
  if (a.shipBy !== b.shipBy) {
    if (a.shipBy === null) return 1;
    if (b.shipBy === null) return -1;
    const byShipBy = Date.parse(a.shipBy) - Date.parse(b.shipBy);
    if (byShipBy !== 0) return byShipBy;
  }
  const byWait = Date.parse(a.waitingSince) - Date.parse(b.waitingSince);
  if (byWait !== 0) return byWait;
  return a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0;
}
