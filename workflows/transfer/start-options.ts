/** How a transfer workflow is started: the API and the tests share id, attributes and summary. Pure. */
import { WorkflowIdReusePolicy, type SearchAttributePair } from '@temporalio/common';
import { transferWorkflowId, type TransferView } from '../../domain/transfers';
import { md } from '../../domain/markdown';
import { TransferStatusKey } from '../search-attributes';

export interface TransferStartOptions {
  workflowId: string;
  taskQueue: string;
  args: [TransferView, { timeoutMs: number }];
  workflowIdReusePolicy: WorkflowIdReusePolicy;
  typedSearchAttributes: SearchAttributePair[];
  staticSummary: string;
  staticDetails: string;
}

export function transferStartOptions(t: TransferView, taskQueue: string, timeoutMs: number): TransferStartOptions {
  const units = t.lines.reduce((n, l) => n + l.quantity, 0);
  return {
    workflowId: transferWorkflowId(t.transferId),
    taskQueue,
    args: [t, { timeoutMs }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: [{ key: TransferStatusKey, value: t.status }],
    // Values from outside through md(): the UI renders these as markdown (docs/design.md §20).
    staticSummary: `Transfer ${md(t.transferId)} · ${units} unit${units === 1 ? '' : 's'} ${md(t.fromWarehouseId)} → ${md(t.toWarehouseId)}`,
    staticDetails: [`**Lines:** ${t.lines.map((l) => `${md(l.sku)} ×${l.quantity}`).join(', ')}`, `**In transit at most:** ${Math.round(timeoutMs / 1000)} s`].join('\n\n'),
  };
}
