/**
 * Baseline of the end-to-end bench: a workflow that runs `steps` sequential no-op
 * activities with the same kind of options as the order's ledger steps. Bundled by the
 * bench worker (deterministic code only).
 */
import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { NoopActivities } from './noop-activities';

const { noop } = proxyActivities<NoopActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 8 },
});

export async function noopWorkflow(steps: number): Promise<number> {
  for (let i = 0; i < steps; i++) await noop(i);
  return steps;
}

/** Decomposition: the baseline plus one status upsert before each of the first `upserts` activities. */
export async function noopUpsertWorkflow(steps: number, upserts: number): Promise<number> {
  for (let i = 0; i < steps; i++) {
    if (i < upserts) upsertSearchAttributes([{ key: defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD), value: `s${i}` }]);
    await noop(i);
  }
  return steps;
}
