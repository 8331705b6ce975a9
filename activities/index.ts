export { createActivities, orderProblems, type ActivityDeps, type OrderActivities, type ReaperReport } from './order-activities';
export { createClosedOrdersCheck, orderWorkflowState, type ClosedOrdersCheckOptions, type WorkflowState } from '../infra/workflow-state';
export * from './adapters';
export { asActivityFailure, isLedgerError } from './errors';
