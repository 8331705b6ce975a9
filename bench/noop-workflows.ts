/**
 * Baseline of the end-to-end bench: a workflow that runs `steps` sequential no-op
 * activities with the same kind of options as the order's ledger steps. Bundled by the
 * bench worker (deterministic code only).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { NoopActivities } from './noop-activities';

const { noop } = proxyActivities<NoopActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 8 },
});

export async function noopWorkflow(steps: number): Promise<number> {
  for (let i = 0; i < steps; i++) await noop(i);
  return steps;
}
