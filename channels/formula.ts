/**
 * What a channel may list of a SKU (docs/design.md §12), pure:
 *   available = max(0, min(maxListed, floor(ATP × (1 − bufferPercent/100)) − bufferUnits))
 *   ATP       = Σ (on_hand − reserved) over the channel's active warehouses − safetyStock
 * The percentage is held in basis points so the floor is exact integer arithmetic
 * (floating point would list 70.99999 as 70).
 */

export interface ChannelRule {
  /** 0..10000 (1 bp = 0.01 %). */
  bufferBp: number;
  bufferUnits: number;
  /** Absent: no cap. */
  maxListed?: number;
}

/** Floor division for integers of either sign, exact while |n| < 2^53. */
function floorDiv(n: number, d: number): number {
  const q = Math.trunc(n / d);
  return n % d !== 0 && n < 0 !== d < 0 ? q - 1 : q;
}

export function atp(freeAtChannelWarehouses: number, safetyStock: number): number {
  return freeAtChannelWarehouses - safetyStock;
}

export function channelAvailable(atpUnits: number, rule: ChannelRule): number {
  const buffered = floorDiv(atpUnits * (10_000 - rule.bufferBp), 10_000) - rule.bufferUnits;
  const capped = rule.maxListed === undefined ? buffered : Math.min(rule.maxListed, buffered);
  return Math.max(0, capped);
}

/** bufferPercent (up to 2 decimals) ↔ basis points. */
export const percentToBp = (percent: number): number => Math.round(percent * 100);
export const bpToPercent = (bp: number): number => bp / 100;
