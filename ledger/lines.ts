import { LedgerError } from './errors';
import { MAX_LINE_QUANTITY, MAX_LEDGER_QUANTITY } from '../domain/limits';
import type { Allocation, OrderLine } from './types';

export { MAX_LEDGER_QUANTITY };

export function isQuantity(value: unknown, max = MAX_LEDGER_QUANTITY): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= max;
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Merges duplicate SKU lines and sorts by SKU, so equal requests hash equally. */
export function mergeLines(lines: readonly OrderLine[]): OrderLine[] {
  if (!Array.isArray(lines) || lines.length === 0) {
    throw new LedgerError('INVALID_QUANTITY', 'at least one line is required');
  }
  const totals = new Map<string, number>();
  for (const line of lines) {
    if (typeof line?.sku !== 'string' || line.sku === '') {
      throw new LedgerError('INVALID_QUANTITY', 'every line needs a sku');
    }
    if (!isQuantity(line.quantity, MAX_LINE_QUANTITY)) {
      throw new LedgerError('INVALID_QUANTITY', `quantity of ${line.sku} must be a whole number from 1 to ${MAX_LINE_QUANTITY}`, {
        sku: line.sku,
        quantity: line.quantity,
      });
    }
    totals.set(line.sku, (totals.get(line.sku) ?? 0) + line.quantity);
  }
  const merged = [...totals].map(([sku, quantity]) => ({ sku, quantity })).sort((a, b) => compareIds(a.sku, b.sku));
  const tooBig = merged.find((l) => l.quantity > MAX_LEDGER_QUANTITY);
  if (tooBig) throw new LedgerError('INVALID_QUANTITY', `quantity of ${tooBig.sku} is too large`, { ...tooBig });
  return merged;
}

/** Sums allocations per (warehouse, sku); sorted by sku then warehouse for stable output. */
export function mergeAllocations(...lists: ReadonlyArray<readonly Allocation[]>): Allocation[] {
  const totals = new Map<string, Allocation>();
  for (const list of lists) {
    for (const a of list) {
      const id = `${a.warehouseId}\u0000${a.sku}`;
      const prev = totals.get(id);
      if (prev) prev.quantity += a.quantity;
      else totals.set(id, { warehouseId: a.warehouseId, sku: a.sku, quantity: a.quantity });
    }
  }
  return [...totals.values()]
    .filter((a) => a.quantity > 0)
    .sort((a, b) => compareIds(a.sku, b.sku) || compareIds(a.warehouseId, b.warehouseId));
}

export function sumBySku(items: ReadonlyArray<{ sku: string; quantity: number }>): Map<string, number> {
  const totals = new Map<string, number>();
  for (const i of items) totals.set(i.sku, (totals.get(i.sku) ?? 0) + i.quantity);
  return totals;
}
