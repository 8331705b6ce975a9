/**
 * Keeping the order's record in Postgres current (docs/design.md §9) without a history event per
 * transition: the next activity the order schedules carries the view as it stands (its worker
 * writes it before the activity's own work; for the label purchase only if the carrier is slow to
 * answer or the call fails, since the answer's view is carried by the next call:
 * activities/order-activities.ts carryingUnlessQuick); what no activity carries — a hold placed while the
 * order waits, the final status — a local activity writes. Every refresh bumps the version,
 * details that are not transitions (a bought label) included, so a resting order's record shows
 * all the workflow knows (docs/design.md §9). Versions only grow within a run, so a late or
 * retried write of an older view changes nothing.
 */
import { condition } from '@temporalio/workflow';
import type { OrderView } from '../../domain/types';
import { localActs } from './activity-options';
import type { OrderState } from './state';

export interface RecordCarry {
  view: OrderView;
  version: number;
}

/** The view for the activity being scheduled, or nothing when an earlier one carries it already. */
export function carry(s: OrderState): RecordCarry | undefined {
  if (s.record.saved === s.record.version) return undefined;
  s.record.saved = s.record.version;
  return { view: s.view, version: s.record.version };
}

/** Runs for the whole order: writes what changed and was not carried, one write per activation at most. */
export async function flushRecords(s: OrderState): Promise<void> {
  for (;;) {
    await condition(() => s.record.version > s.record.saved || s.record.closed);
    // An activity scheduled since the wake-up may have carried it already.
    if (s.record.version === s.record.saved) {
      if (s.record.closed) return;
      continue;
    }
    const version = s.record.version;
    s.record.saved = version;
    s.record.flushing = true;
    try {
      await localActs.saveOrderRecord.executeWithOptions({ startToCloseTimeout: '5s', localRetryThreshold: '500ms', summary: `Record ${s.view.status}` }, [
        { view: s.view, version },
      ]);
    } finally {
      s.record.flushing = false;
    }
  }
}

/** Before the workflow closes: the last view is in the record. */
export async function recordsFlushed(s: OrderState): Promise<void> {
  await condition(() => s.record.saved === s.record.version && !s.record.flushing);
  s.record.closed = true;
}
