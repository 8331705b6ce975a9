/** How a return workflow is started: the API and the tests share the id, the attributes and the UI summary. Pure. */
import { WorkflowIdReusePolicy, type SearchAttributePair } from '@temporalio/common';
import { ReturnStatusKey } from '../search-attributes';
import { md } from '../../domain/markdown';
import { returnWorkflowId, type ReturnInput } from '../../domain/types';

export interface ReturnStartOptions {
  workflowId: string;
  taskQueue: string;
  args: [ReturnInput];
  /** A return id runs once, ever, like an order id. */
  workflowIdReusePolicy: WorkflowIdReusePolicy;
  typedSearchAttributes: SearchAttributePair[];
  staticSummary: string;
  staticDetails: string;
}

export function returnStartOptions(input: ReturnInput, taskQueue: string): ReturnStartOptions {
  const units = input.lines.reduce((n, l) => n + l.quantity, 0);
  return {
    workflowId: returnWorkflowId(input.returnId),
    taskQueue,
    args: [input],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: [{ key: ReturnStatusKey, value: 'authorized' }],
    // Values from outside through md(): the UI renders these as markdown (docs/design.md §20).
    staticSummary: `Return ${md(input.returnId)} · order ${md(input.orderId)} · ${units} unit${units === 1 ? '' : 's'}`,
    staticDetails: [
      `**Order:** ${md(input.orderId)}`,
      `**Lines:** ${input.lines.map((l) => `${md(l.sku)} ×${l.quantity}`).join(', ')}`,
      `**Reason:** ${md(input.reason)}`,
      `**Authorized:** ${md(input.createdAt)} · expires after ${Math.round(input.timeouts.returnMs / 1000)} s without a parcel`,
    ].join('\n\n'),
  };
}
