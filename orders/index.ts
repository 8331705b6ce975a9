export { createOrderRecords } from './records';
export { IdempotencyKeyConflictError, InvalidCursorError } from './cursor';
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
  SaveMeta,
} from './types';
