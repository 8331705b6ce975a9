/** Ledger figures the activities record through the Temporal runtime's meter. */
import type { MetricMeter } from '@temporalio/common';

export function recordReservation(meter: MetricMeter, seconds: number, backordered: boolean): void {
  meter
    .createHistogram('fulfillment_ledger_reservation_latency', 'float', 's', 'Time of one ledger reservation (all lines of an order)')
    .withTags({ outcome: backordered ? 'backordered' : 'held' })
    .record(seconds);
}

/** The reaper's last pass: problems it could not fix, orders it released, and when. */
export function recordReconciliation(meter: MetricMeter, unfixedProblems: number, releasedOrders: number): void {
  meter.createGauge('fulfillment_reconciliation_problems', 'int', undefined, 'Ledger problems found by the last reconciliation that the reaper cannot fix').set(unfixedProblems);
  meter.createGauge('fulfillment_reconciliation_released_orders', 'int', undefined, 'Closed orders whose held stock the last reconciliation released').set(releasedOrders);
  meter
    .createGauge('fulfillment_reconciliation_last_run', 'float', 's', 'Unix time of the last reconciliation')
    .set(Date.now() / 1000);
}
