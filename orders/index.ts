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
  MutateResult,
  SaveMeta,
} from './types';
export { createReturnRecords, type AuthorizeOutcome, type AuthorizeRequest, type ReturnRecords } from './returns';
export { excessOf, receiptProblems, restockLines, returnableUnits, sameReceipt, type ReturnExcess } from './return-rules';
export { createPurchaseOrderRecords, type PurchaseOrderFilters, type PurchaseOrderOutcome, type PurchaseOrderRecords } from './purchase-orders';
export { createTransferRecords, type TransferFilters, type TransferOutcome, type TransferRecords } from './transfers';
export type { DocumentEvent, EmitDocumentEvents } from './document-records';
