/** How a purchase-order workflow is started: the API and the tests share id, attributes and summary. Pure. */
import { WorkflowIdReusePolicy, type SearchAttributePair } from '@temporalio/common';
import { purchaseOrderWorkflowId, type PurchaseOrderView } from '../../domain/purchase-orders';
import { md } from '../../domain/markdown';
import { PurchaseOrderStatusKey } from '../search-attributes';

export interface PurchaseOrderStartOptions {
  workflowId: string;
  taskQueue: string;
  args: [PurchaseOrderView];
  /** A PO id runs once, ever. */
  workflowIdReusePolicy: WorkflowIdReusePolicy;
  typedSearchAttributes: SearchAttributePair[];
  staticSummary: string;
  staticDetails: string;
}

export function purchaseOrderStartOptions(po: PurchaseOrderView, taskQueue: string): PurchaseOrderStartOptions {
  const units = po.lines.reduce((n, l) => n + l.ordered, 0);
  return {
    workflowId: purchaseOrderWorkflowId(po.purchaseOrderId),
    taskQueue,
    args: [po],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: [{ key: PurchaseOrderStatusKey, value: po.status }],
    // Values from outside through md(): the UI renders these as markdown (docs/design.md §20).
    staticSummary: `Purchase order ${md(po.purchaseOrderId)} · ${units} unit${units === 1 ? '' : 's'} into ${md(po.warehouseId)}`,
    staticDetails: [`**Supplier:** ${md(po.supplier)}`, `**Lines:** ${po.lines.map((l) => `${md(l.sku)} ×${l.ordered}`).join(', ')}`, `**Expected:** ${md(po.expectedAt)}`].join('\n\n'),
  };
}
