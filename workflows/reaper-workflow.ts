/**
 * The reaper: a long-running workflow (id `reaper-<taskQueue>`, started by the worker
 * factory) that every `intervalMs` runs the reconciliation and releases the stock still
 * held by orders whose workflow closed without compensating (terminated from the UI,
 * failed…). Continues as new periodically to bound its history.
 */
import { continueAsNew, defineSignal, log, proxyActivities, setCurrentDetails, setHandler, condition, workflowInfo } from '@temporalio/workflow';
import type { OrderActivities } from '../activities/order-activities';

export interface ReaperInput {
  intervalMs: number;
  /** Passes before continue-as-new (default 100; earlier when the server suggests it). */
  passesPerRun?: number;
}

/** Runs a pass now instead of at the next interval (ops, tests). */
export const reapNowSignal = defineSignal('reapNow');

export const reaperWorkflowId = (taskQueue: string): string => `reaper-${taskQueue}`;

const { reapClosedOrders } = proxyActivities<OrderActivities>({
  startToCloseTimeout: '5m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 3 },
});

export async function reaperWorkflow(input: ReaperInput): Promise<void> {
  let reapNow = false;
  setHandler(reapNowSignal, () => void (reapNow = true));
  const passes = input.passesPerRun ?? 100;
  for (let pass = 1; pass <= passes; pass++) {
    reapNow = false;
    try {
      const report = await reapClosedOrders.executeWithOptions({ summary: 'Release stock held by closed orders' }, []);
      const released = report.released.filter((r) => r.allocations.length > 0);
      if (released.length > 0) log.info('reaper released held stock', { orders: released.map((r) => r.orderId) });
      setCurrentDetails(
        `**Last pass:** ${new Date(Date.now()).toISOString()} · released ${released.length} order(s)` +
          (report.otherProblems.length ? ` · ${report.otherProblems.length} other reconciliation problem(s)` : ''),
      );
    } catch (err) {
      log.error('reaper pass failed; next pass at the next interval', { error: (err as Error).message });
    }
    if (workflowInfo().continueAsNewSuggested) break;
    await condition(() => reapNow, input.intervalMs, { summary: 'next reaper pass' });
  }
  await continueAsNew<typeof reaperWorkflow>(input);
}
