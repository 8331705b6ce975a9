/**
 * The reaper: a long-running workflow (id `reaper-<taskQueue>`, started by the worker
 * factory) that releases the stock still held by orders whose workflow closed without
 * compensating (terminated from the UI, timed out, failed). Each pass asks for the orders
 * closed since the previous one (activities/reaper-activities.ts); the pause between passes
 * comes from the worker's REAPER_INTERVAL at every pass, so a new value applies without
 * restarting anything. Continues as new periodically to bound its history.
 */
import { condition, continueAsNew, defineSignal, log, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ReaperActivities } from '../../activities/reaper-activities';
import type { ReaperInput } from './start-options';

/** Runs a pass now instead of at the next interval (ops, tests). */
export const reapNowSignal = defineSignal('reapNow');

const { reapClosedOrders } = proxyActivities<ReaperActivities>({
  startToCloseTimeout: '5m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 3 },
});

export async function reaperWorkflow(input: ReaperInput): Promise<void> {
  let reapNow = false;
  setHandler(reapNowSignal, () => void (reapNow = true));
  let { watermark } = input;
  let pass = input.pass ?? 0;
  let intervalMs = input.intervalMs;
  const passes = input.passesPerRun ?? 100;
  for (let i = 1; i <= passes; i++) {
    reapNow = false;
    pass++;
    try {
      const report = await reapClosedOrders.executeWithOptions({ summary: `Release stock held by closed orders (pass ${pass})` }, [{ since: watermark, pass }]);
      watermark = report.watermark;
      intervalMs = report.intervalMs;
      if (report.released.length > 0) log.info('reaper released held stock', { orders: report.released.map((r) => r.orderId) });
      setCurrentDetails(
        `**Last pass:** ${watermark} · ${report.checked} closed order(s) checked · released ${report.released.length}` +
          (report.fullSweep ? ' · full sweep' : '') +
          (report.otherProblems.length ? ` · ${report.otherProblems.length} other reconciliation problem(s)` : ''),
      );
    } catch (err) {
      log.error('reaper pass failed; next pass at the next interval', { error: (err as Error).message });
    }
    if (workflowInfo().continueAsNewSuggested) break;
    await condition(() => reapNow, intervalMs, { summary: 'next reaper pass' });
  }
  await continueAsNew<typeof reaperWorkflow>({ ...input, intervalMs, watermark, pass });
}
