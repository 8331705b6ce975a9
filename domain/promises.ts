/**
 * Promise dates (docs/design.md §15), pure: supply is handed out earliest `expectedAt` first
 * (undated last), to the waiting orders in the order in which arriving units fill them
 * (`compareWaiting`, §17), each order taking all it still needs of a SKU before the next gets
 * any, and counting only supply toward warehouses the order may draw from. An order is
 * promised the `expectedAt` of the supply that covers its last backordered unit; null when
 * the supply in sight does not cover it (or the unit that covers it is undated).
 */
import type { StockLine } from './purchase-orders';
import { compareWaiting, type WaitingOrder } from './waiting-queue';

export interface PromiseSupply {
  warehouseId: string;
  quantity: number;
  /** ISO 8601, or null (a transfer without a date). */
  expectedAt: string | null;
  /** Ties between equal dates are broken by this key, so every replica hands out the same way. */
  key: string;
}

export interface PromiseOrder extends WaitingOrder {
  backordered: StockLine[];
  /** Warehouses the order may draw from; supply toward others is not counted for it. */
  warehouses: readonly string[];
}

export function compareSupplyDate(a: PromiseSupply, b: PromiseSupply): number {
  if (a.expectedAt !== b.expectedAt) {
    if (a.expectedAt === null) return 1;
    if (b.expectedAt === null) return -1;
    const d = Date.parse(a.expectedAt) - Date.parse(b.expectedAt);
    if (d !== 0) return d;
  }
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);

/** orderId → promisedAt (null: not covered). Inputs are not modified. */
export function promiseDates(orders: readonly PromiseOrder[], supply: ReadonlyMap<string, readonly PromiseSupply[]>): Map<string, string | null> {
  const left = new Map<string, Array<PromiseSupply & { left: number }>>();
  for (const [sku, entries] of supply) left.set(sku, [...entries].sort(compareSupplyDate).map((e) => ({ ...e, left: e.quantity })));
  const out = new Map<string, string | null>();
  for (const order of [...orders].sort(compareWaiting)) {
    const allowed = new Set(order.warehouses);
    let promised: string | null = null;
    let covered = true;
    for (const line of order.backordered) {
      let need = line.quantity;
      let last: string | null = null;
      let dated = true;
      for (const e of left.get(line.sku) ?? []) {
        if (need === 0) break;
        if (e.left === 0 || !allowed.has(e.warehouseId)) continue;
        const take = Math.min(need, e.left);
        e.left -= take;
        need -= take;
        if (e.expectedAt === null) dated = false;
        else last = last === null ? e.expectedAt : later(last, e.expectedAt);
      }
      if (need > 0 || !dated || last === null) covered = false;
      else promised = promised === null ? last : later(promised, last);
    }
    out.set(order.orderId, covered && order.backordered.length > 0 ? promised : null);
  }
  return out;
}
