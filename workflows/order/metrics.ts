/**
 * Order metrics recorded through the workflow's meter: the SDK drops them while a
 * workflow replays, so a worker restart does not count an order twice. They reach
 * Prometheus through the Temporal runtime's exporter (see platform/runtime.ts).
 */
import { metricMeter } from '@temporalio/workflow';
import { isTerminal } from '../../domain/order-rules';
import type { OrderStatus } from '../../domain/types';

export function recordOrderStarted(channel: string): void {
  metricMeter.createCounter('fulfillment_orders_started', 'orders', 'Order workflows started').withTags({ channel }).add(1);
}

/** Time spent in `from`, and the order's end when `to` is terminal. */
export function recordTransition(from: OrderStatus, to: OrderStatus, secondsInFrom: number, channel: string): void {
  metricMeter
    .createHistogram('fulfillment_order_step_duration', 'float', 's', 'Time an order spent in a status before leaving it')
    .withTags({ status: from })
    .record(Math.max(0, secondsInFrom));
  if (isTerminal(to)) {
    metricMeter.createCounter('fulfillment_orders_finished', 'orders', 'Orders that reached a terminal status').withTags({ status: to, channel }).add(1);
  }
}
