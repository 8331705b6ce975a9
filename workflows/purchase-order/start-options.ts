/** How a purchase-order workflow is started: the API and the tests share id, attributes and summary. Pure. */
import { WorkflowIdReusePolicy, type SearchAttributePair } from '@temporalio/common';
import { purchaseOrderWorkflowId, type PurchaseOrderView } from '../../domain/purchase-orders';
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
    staticSummary: `Purchase order ${po.purchaseOrderId} · ${units} unit${units === 1 ? '' : 's'} into ${po.warehouseId}`,
    staticDetails: [`**Supplier:** ${po.supplier}`, `**Lines:** ${po.lines.map((l) => `${l.sku} ×${l.ordered}`).join(', ')}`, `**Expected:** ${po.expectedAt}`].join('\n\n'),
  };
}
