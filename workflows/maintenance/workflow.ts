/**
 * Ledger housekeeping: one long-running workflow per task queue (id
 * `maintenance-<taskQueue>`, started by every worker with USE_EXISTING, so N replicas share
 * one) that every `intervalMs` deletes expired idempotency records. A workflow rather than
 * a timer in each worker: exactly one cleanup runs at a time whatever the replica count, a
 * pass that fails is retried by whichever worker is alive, and the last pass shows in the UI.
 */
import { continueAsNew, log, proxyActivities, setCurrentDetails, sleep, workflowInfo } from '@temporalio/workflow';
import type { MaintenanceActivities } from '../../activities/maintenance-activities';
import type { MaintenanceInput } from './start-options';

const { expireIdempotencyRecords } = proxyActivities<MaintenanceActivities>({
  // Batches of 1000 rows, at most 1000 of them: minutes at worst on a large backlog.
  startToCloseTimeout: '15m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 3 },
});

export async function maintenanceWorkflow(input: MaintenanceInput): Promise<void> {
  const passes = input.passesPerRun ?? 100;
  for (let pass = 1; pass <= passes; pass++) {
    try {
      const r = await expireIdempotencyRecords.executeWithOptions({ summary: 'Delete expired ledger idempotency records' }, []);
      setCurrentDetails(`**Last pass:** ${new Date(Date.now()).toISOString()} · deleted ${r.deleted} idempotency record(s) in ${r.batches} batch(es)`);
    } catch (err) {
      log.error('maintenance pass failed; next pass at the next interval', { error: (err as Error).message });
    }
    if (workflowInfo().continueAsNewSuggested) break;
    await sleep(input.intervalMs);
  }
  await continueAsNew<typeof maintenanceWorkflow>(input);
}
