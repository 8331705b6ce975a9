/** What a return may take back, and how a return changes its order's view. Pure: unit-testable. */
import type { InspectedLine, OrderLine, OrderView, ReturnView } from '../domain/types';

/** Returns that hold units: an expired one gives them back. */
const holdsUnits = (r: ReturnView) => r.status === 'authorized' || r.status === 'received';

const sum = (into: Map<string, number>, lines: readonly OrderLine[], sign = 1) => {
  for (const l of lines) into.set(l.sku, (into.get(l.sku) ?? 0) + sign * l.quantity);
  return into;
};

/** Per SKU: delivered (every delivered parcel) minus what earlier returns took, authorized or received. */
export function returnableUnits(view: OrderView): Map<string, number> {
  const delivered = sum(new Map(), view.fulfillments.filter((f) => f.status === 'delivered').flatMap((f) => f.lines));
  for (const r of (view.returns ?? []).filter(holdsUnits)) sum(delivered, r.lines, -1);
  return delivered;
}

export interface ReturnExcess {
  sku: string;
  requested: number;
  returnable: number;
  /** The order never delivered this SKU. */
  notInOrder?: true;
}

/** Lines of a requested return that the order cannot give: more than returnable, or a SKU it never had. */
export function excessOf(view: OrderView, lines: readonly OrderLine[]): ReturnExcess[] {
  const returnable = returnableUnits(view);
  const requested = sum(new Map(), lines);
  return [...requested]
    .filter(([sku, q]) => q > (returnable.get(sku) ?? 0))
    .map(([sku, q]) => ({ sku, requested: q, returnable: Math.max(0, returnable.get(sku) ?? 0), ...(returnable.has(sku) ? {} : { notInOrder: true as const }) }));
}

const describeLines = (lines: readonly { sku: string; quantity: number }[]) => lines.map((l) => `${l.sku} ×${l.quantity}`).join(', ');

/** The order's view with `ret` added or replaced, and a timeline entry saying what happened to it. */
export function withReturn(view: OrderView, ret: ReturnView, at: string, note: string): OrderView {
  const others = (view.returns ?? []).filter((r) => r.returnId !== ret.returnId);
  return { ...view, returns: [...others, ret], history: [...view.history, { at, status: view.status, note }] };
}

export function authorizedNote(ret: ReturnView): string {
  return `return ${ret.returnId} authorized (${describeLines(ret.lines)}): ${ret.reason}`;
}

export function receivedNote(ret: ReturnView): string {
  const inspected = ret.inspected ?? [];
  const part = (d: InspectedLine['disposition']) => inspected.filter((l) => l.disposition === d);
  const restocked = part('restock');
  const damaged = part('damaged');
  return (
    `return ${ret.returnId} received at ${ret.warehouseId}` +
    (restocked.length ? `; restocked ${describeLines(restocked)}` : '') +
    (damaged.length ? `; damaged ${describeLines(damaged)}` : '')
  );
}

export function expiredNote(ret: ReturnView): string {
  return `return ${ret.returnId} expired: no parcel arrived in time`;
}

/**
 * What a receipt may contain: each SKU of the return at most its authorized quantity (a
 * partial parcel is fine; what does not arrive is simply not returned), nothing else.
 */
export function receiptProblems(ret: Pick<ReturnView, 'lines'>, inspected: readonly InspectedLine[]): ReturnExcess[] {
  const authorized = sum(new Map(), ret.lines);
  const received = sum(new Map(), inspected);
  return [...received]
    .filter(([sku, q]) => q > (authorized.get(sku) ?? 0))
    .map(([sku, q]) => ({ sku, requested: q, returnable: authorized.get(sku) ?? 0 }));
}

/** The restocked part of a receipt, merged per SKU: what goes to the ledger. */
export function restockLines(inspected: readonly InspectedLine[]): OrderLine[] {
  return [...sum(new Map(), inspected.filter((l) => l.disposition === 'restock'))].map(([sku, quantity]) => ({ sku, quantity }));
}

/** Two receipts are the same request (a re-send) when they name the same warehouse and lines. */
export function sameReceipt(ret: ReturnView, warehouseId: string, inspected: readonly InspectedLine[]): boolean {
  const key = (lines: readonly InspectedLine[]) =>
    lines
      .map((l) => `${l.sku}\u0000${l.disposition}\u0000${l.quantity}`)
      .sort()
      .join('\n');
  return ret.status === 'received' && ret.warehouseId === warehouseId && key(ret.inspected ?? []) === key(inspected);
}
