/**
 * How an order workflow is started: shared by the API and the tests so the id, the task
 * queue, the search attributes and the UI summary are the same everywhere. Pure.
 */
import { WorkflowIdReusePolicy, type SearchAttributePair } from '@temporalio/common';
import { boundedKeywords } from '../keyword-list';
import { md } from '../../domain/markdown';
import { ChannelKey, CustomerIdKey, OrderStatusKey, ShipByKey, SkusKey } from '../search-attributes';
import { orderWorkflowId, type OrderInput } from '../../domain/types';

export interface OrderStartOptions {
  workflowId: string;
  taskQueue: string;
  args: [OrderInput];
  /** An order id runs once, ever: a second start of the same id is refused even after the first closed. */
  workflowIdReusePolicy: WorkflowIdReusePolicy;
  typedSearchAttributes: SearchAttributePair[];
  staticSummary: string;
  staticDetails: string;
}

export function orderStartOptions(input: OrderInput, taskQueue: string): OrderStartOptions {
  const skus = boundedKeywords(input.lines.map((l) => l.sku));
  const units = input.lines.reduce((n, l) => n + l.quantity, 0);
  const a = input.shippingAddress;
  // Every value from outside goes through md(): the UI renders this as markdown (docs/design.md §20).
  const details = [
    `**Customer:** ${md(input.customer.id)}${input.customer.name ? ` (${md(input.customer.name)})` : ''}`,
    `**Channel:** ${md(input.channel)} · **Shipping:** ${md(input.shippingMethod)}`,
    `**Ship to:** ${[a.name, a.line1, a.line2, `${a.postalCode} ${a.city}`, a.region, a.country].filter(Boolean).map(md).join(', ')}`,
    `**Lines (${units} units):** ${input.lines.map((l) => `${md(l.sku)} ×${l.quantity}`).join(', ')}`,
    ...(input.shipBy ? [`**Ship by:** ${md(input.shipBy)}`] : []),
    ...(input.sourcing ? [`**Sourcing:** ${md(input.sourcing.strategy)}${input.sourcing.maxParcels ? `, at most ${input.sourcing.maxParcels} parcels` : ''}`] : []),
  ].join('\n\n');
  return {
    workflowId: orderWorkflowId(input.orderId),
    taskQueue,
    args: [input],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: [
      { key: OrderStatusKey, value: 'received' },
      { key: CustomerIdKey, value: input.customer.id },
      { key: ChannelKey, value: input.channel },
      { key: SkusKey, value: skus },
      // Fixed at intake: set with the start, so it costs the workflow no upsert (docs/design.md §17).
      ...(input.shipBy ? [{ key: ShipByKey, value: new Date(input.shipBy) }] : []),
    ],
    staticSummary: `Order ${md(input.orderId)} · ${input.lines.length} line${input.lines.length === 1 ? '' : 's'} · ${md(input.channel)}`,
    staticDetails: details,
  };
}
