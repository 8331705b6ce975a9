export { createOrderRecords } from './records';
export { InvalidCursorError } from './cursor';
export { IdempotencyKeyConflictError } from './errors';
export { MAX_LIST_LIMIT } from './types';
export type {
  AcceptInput,
  AcceptResult,
  OrderRecord,
  OrderRecordFilters,
  OrderRecordPage,
  OrderRecordPageRequest,
  OrderRecords,
  OrderRecordsOptions,
  MutateResult,
  SaveMeta,
} from './types';
export { createReturnRecords, type AuthorizeOutcome, type AuthorizeRequest, type ReturnRecords } from './returns';
export { excessOf, receiptProblems, restockLines, returnableUnits, sameReceipt, type ReturnExcess } from './return-rules';
