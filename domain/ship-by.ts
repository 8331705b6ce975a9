/** Ship-by (docs/design.md §17): what the workflow, the records and the webhooks agree on. Pure. */

/** The start of the timeline note the order workflow writes when shipBy passes unshipped. */
export const SHIP_BY_MISSED_NOTE = 'ship-by missed';

/** The index of the timeline entry that records the miss, or -1. */
export function shipByMissedAt(history: ReadonlyArray<{ note?: string }>): number {
  return history.findIndex((h) => h.note?.startsWith(SHIP_BY_MISSED_NOTE) === true);
}
