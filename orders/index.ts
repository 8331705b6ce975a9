import type { PurchaseOrderRecords } from './purchase-orders';
import type { TransferRecords } from './transfers';

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
export { createPurchaseOrderRecords, type PurchaseOrderFilters, type PurchaseOrderOutcome, type PurchaseOrderRecords } from './purchase-orders';
export { createTransferRecords, type TransferFilters, type TransferOutcome, type TransferRecords } from './transfers';
export type { DocumentEvent, EmitDocumentEvents } from './document-records';

/** Purchase orders and transfers (docs/design.md §15), as the composition root builds them (app/stock-motion-records.ts). */
export interface StockMotionRecords {
  purchaseOrders: PurchaseOrderRecords;
  transfers: TransferRecords;
}
