export { createLedger } from './ledger';
export { LedgerError, isLedgerError } from './errors';
export { allocate } from './allocate';
export { MAX_LINE_QUANTITY } from '../domain/limits';
export type { AllocationPlan, WarehouseStock } from './allocate';
export type * from './types';
