/** How a return workflow is started: the API and the tests share the id, the attributes and the UI summary. Pure. */
import { WorkflowIdReusePolicy, type SearchAttributePair } from '@temporalio/common';
import { ReturnStatusKey } from '../search-attributes';
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
    staticSummary: `Return ${input.returnId} · order ${input.orderId} · ${units} unit${units === 1 ? '' : 's'}`,
    staticDetails: [
      `**Order:** ${input.orderId}`,
      `**Lines:** ${input.lines.map((l) => `${l.sku} ×${l.quantity}`).join(', ')}`,
      `**Reason:** ${input.reason}`,
      `**Authorized:** ${input.createdAt} · expires after ${Math.round(input.timeouts.returnMs / 1000)} s without a parcel`,
    ].join('\n\n'),
  };
}
