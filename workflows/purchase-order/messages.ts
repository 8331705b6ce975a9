/** Messages of the purchase-order workflow, shared by the workflow and the API (docs/design.md §15). */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { PurchaseOrderView, StockLine } from '../../domain/purchase-orders';

export interface PurchaseOrderReceiptRequest {
  receiptId: string;
  lines: StockLine[];
}

/** Units arrived; answers the PO. Refusals: InvalidTransition, OverReceipt, ReceiptConflict. */
export const receivePurchaseOrderUpdate = defineUpdate<PurchaseOrderView, [PurchaseOrderReceiptRequest]>('receive');
/** The supplier moved the date. */
export const movePurchaseOrderDateUpdate = defineUpdate<PurchaseOrderView, [{ expectedAt: string }]>('moveDate');
/** Stop waiting for the rest: closed_short (received when nothing was outstanding). */
export const closePurchaseOrderUpdate = defineUpdate<PurchaseOrderView, [{ reason: string }]>('close');
/** Nothing came and nothing will (refused once anything was received). */
export const cancelPurchaseOrderUpdate = defineUpdate<PurchaseOrderView, [{ reason: string }]>('cancel');

export const purchaseOrderQuery = defineQuery<PurchaseOrderView>('purchaseOrder');

/** ApplicationFailure types of the refusals (HTTP 422 / 409). */
export const OVER_RECEIPT = 'OverReceipt';
export const RECEIPT_CONFLICT = 'ReceiptConflict';
