export { createActivities, orderProblems, type ActivityDeps, type OrderActivities } from './order-activities';
export { createReaperActivities, type ReaperActivities, type ReaperReport } from './reaper-activities';
export { createClosedOrdersCheck, orderWorkflowState, type ClosedOrdersCheckOptions, type WorkflowState } from '../clients/order-closed';
export * from './adapters';
export { asActivityFailure } from './errors';
export { isLedgerError } from '../ledger/errors';
