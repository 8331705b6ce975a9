/**
 * Counts (docs/design.md §16): the warehouse's own numbers, compared with the ledger's on
 * hand as of the moment they were taken. Pure: the ledger and the tests share these rules.
 */

export type CountSource = 'cycle_count' | 'warehouse_report';
export type CountStatus = 'applied' | 'pending_approval' | 'rejected';
export const COUNT_STATUSES: readonly CountStatus[] = ['applied', 'pending_approval', 'rejected'];
export const COUNT_SOURCES: readonly CountSource[] = ['cycle_count', 'warehouse_report'];

export interface CountLineInput {
  sku: string;
  counted: number;
}

export interface CountLine extends CountLineInput {
  /** The ledger's on hand as of countedAt. */
  expected: number;
  /** counted − expected: what the count movement adds to on hand now. */
  variance: number;
}

export interface Reallocation {
  orderId: string;
  sku: string;
  quantity: number;
}

/** One movement's effect on on hand, and when it was recorded (epoch ms). */
export interface OnHandChange {
  onHandDelta: number;
  at: number;
}

/**
 * The ledger's on hand as of `asOf`: today's figure minus whatever was recorded after it.
 * A movement recorded exactly at `asOf` counts as known to the count.
 */
export function onHandAsOf(onHandNow: number, changes: readonly OnHandChange[], asOf: number): number {
  return onHandNow - changes.filter((c) => c.at > asOf).reduce((n, c) => n + c.onHandDelta, 0);
}

/** The same figure by replaying the history from zero: what onHandAsOf must agree with. */
export function replayOnHand(changes: readonly OnHandChange[], asOf: number): number {
  return changes.filter((c) => c.at <= asOf).reduce((n, c) => n + c.onHandDelta, 0);
}

export function countLines(lines: readonly CountLineInput[], expected: ReadonlyMap<string, number>): CountLine[] {
  return lines.map((l) => {
    const e = expected.get(l.sku) ?? 0;
    return { sku: l.sku, counted: l.counted, expected: e, variance: l.counted - e };
  });
}

/** Within the limit the count applies at once; above it an admin decides. */
export function statusOnArrival(lines: readonly CountLine[], autoApproveUnits: number): 'applied' | 'pending_approval' {
  const largest = lines.reduce((m, l) => Math.max(m, Math.abs(l.variance)), 0);
  return largest <= autoApproveUnits ? 'applied' : 'pending_approval';
}

/** Why a countedAt is refused, or undefined when it is inside [now − maxAge, now]. */
export function countedAtProblem(countedAt: number, now: number, maxAgeMs: number): string | undefined {
  if (countedAt > now) return 'countedAt is in the future';
  if (now - countedAt > maxAgeMs) return `countedAt is older than COUNT_MAX_AGE (${Math.round(maxAgeMs / 1000)} s)`;
  return undefined;
}

/** A hold a shortfall may take from: an order's held units of one SKU at the counted warehouse. */
export interface HeldUnits {
  orderId: string;
  quantity: number;
  /** When the hold was placed (epoch ms): the latest gives its units first. */
  heldAt: number;
  /** A fulfillment there is already picked: its units are in a tote, not on the shelf. */
  picked: boolean;
}

/**
 * Which holds lose units when on hand drops below reserved (§16): latest reservation first
 * (ties: the larger order id), never a picked one. Answers what each order gives up and the
 * units no unpicked hold could give (0 when the shortfall is covered).
 */
export function shortfallTakes(holds: readonly HeldUnits[], shortfall: number): { takes: Array<{ orderId: string; quantity: number }>; uncovered: number } {
  const order = holds
    .filter((h) => !h.picked && h.quantity > 0)
    .sort((a, b) => b.heldAt - a.heldAt || (a.orderId < b.orderId ? 1 : a.orderId > b.orderId ? -1 : 0));
  const takes: Array<{ orderId: string; quantity: number }> = [];
  let left = Math.max(0, shortfall);
  for (const h of order) {
    if (left === 0) break;
    const take = Math.min(left, h.quantity);
    takes.push({ orderId: h.orderId, quantity: take });
    left -= take;
  }
  return { takes, uncovered: left };
}
