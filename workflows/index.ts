// The worker bundles this file: every workflow function is exported from here.
export { orderWorkflow } from './order/workflow';
export { reaperWorkflow } from './reaper/workflow';
export { maintenanceWorkflow } from './maintenance/workflow';
export { returnWorkflow } from './return/workflow';
export { purchaseOrderWorkflow } from './purchase-order/workflow';
export { transferWorkflow } from './transfer/workflow';
