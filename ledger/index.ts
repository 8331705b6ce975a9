export { createLedger } from './ledger';
export { LedgerError, isLedgerError } from './errors';
export { allocate } from './allocate';
export type { AllocationPlan, WarehouseStock } from './allocate';
export type * from './types';
