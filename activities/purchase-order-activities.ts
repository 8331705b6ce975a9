/**
 * The purchase-order workflow's activities (docs/design.md §15). Each is one transaction in
 * the PO records (ledger write, record, webhook together) and idempotent on its own: a
 * receipt is keyed by PO and receipt id, the other steps only move a PO that still fits.
 * Refusals come out as non-retryable ApplicationFailures typed for the API.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { PurchaseOrderView, StockLine } from '../domain/purchase-orders';
import type { PurchaseOrderOutcome, PurchaseOrderRecords } from '../orders/purchase-orders';
import { INVALID_TRANSITION } from '../workflows/order/messages';
import { OVER_RECEIPT, RECEIPT_CONFLICT } from '../workflows/purchase-order/messages';
import { mapErrors } from './errors';

export interface PurchaseOrderActivityDeps {
  purchaseOrders?: PurchaseOrderRecords;
  /** Orders awaiting a received SKU re-check at once. */
  wakeStock?: (skus: string[]) => void;
  /** Supply changed for these SKUs (promise dates are recomputed). */
  supplyChanged?: (skus: string[]) => void;
}

export function viewOrRefusal(id: string, outcome: PurchaseOrderOutcome): PurchaseOrderView {
  switch (outcome.kind) {
    case 'done':
      return outcome.po;
    case 'not_found':
      throw ApplicationFailure.create({ type: 'NotFound', message: `no purchase order ${id}`, nonRetryable: true });
    case 'invalid_transition':
      throw ApplicationFailure.create({ type: INVALID_TRANSITION, message: `Purchase order ${id} is ${outcome.po.status}`, details: [{ status: outcome.po.status }], nonRetryable: true });
    case 'over_receipt':
      throw ApplicationFailure.create({ type: OVER_RECEIPT, message: `More than outstanding on purchase order ${id}`, details: [{ lines: outcome.lines }], nonRetryable: true });
    case 'receipt_conflict':
      throw ApplicationFailure.create({ type: RECEIPT_CONFLICT, message: `Receipt id already used on purchase order ${id} with other lines`, nonRetryable: true });
  }
}

export function createPurchaseOrderActivities(deps: PurchaseOrderActivityDeps) {
  const records = (): PurchaseOrderRecords => {
    if (!deps.purchaseOrders) throw new Error('no purchase-order records given to createPurchaseOrderActivities');
    return deps.purchaseOrders;
  };
  const skusOf = (po: PurchaseOrderView) => po.lines.map((l) => l.sku);
  const changed = (outcome: PurchaseOrderOutcome) => outcome.kind === 'done' && outcome.changed;

  return {
    async receivePurchaseOrder(req: { purchaseOrderId: string; receiptId: string; lines: StockLine[]; at: string }): Promise<PurchaseOrderView> {
      const outcome = await mapErrors(() => records().receive(req.purchaseOrderId, req));
      const po = viewOrRefusal(req.purchaseOrderId, outcome);
      if (changed(outcome)) {
        deps.wakeStock?.(req.lines.map((l) => l.sku));
        deps.supplyChanged?.(skusOf(po));
      }
      return po;
    },

    async movePurchaseOrderDate(req: { purchaseOrderId: string; expectedAt: string; at: string }): Promise<PurchaseOrderView> {
      const outcome = await records().moveDate(req.purchaseOrderId, req.expectedAt, req.at);
      const po = viewOrRefusal(req.purchaseOrderId, outcome);
      if (changed(outcome)) deps.supplyChanged?.(skusOf(po));
      return po;
    },

    async closePurchaseOrder(req: { purchaseOrderId: string; reason: string; at: string }): Promise<PurchaseOrderView> {
      const outcome = await records().close(req.purchaseOrderId, req.reason, req.at);
      const po = viewOrRefusal(req.purchaseOrderId, outcome);
      if (changed(outcome)) deps.supplyChanged?.(skusOf(po));
      return po;
    },

    async cancelPurchaseOrder(req: { purchaseOrderId: string; reason: string; at: string }): Promise<PurchaseOrderView> {
      const outcome = await records().cancel(req.purchaseOrderId, req.reason, req.at);
      const po = viewOrRefusal(req.purchaseOrderId, outcome);
      if (changed(outcome)) deps.supplyChanged?.(skusOf(po));
      return po;
    },

    /** Late only if the PO still expects `expectedAt` and units are outstanding; otherwise the PO as it is. */
    async markPurchaseOrderLate(req: { purchaseOrderId: string; expectedAt: string; at: string }): Promise<PurchaseOrderView> {
      const outcome = await records().markLate(req.purchaseOrderId, req.expectedAt, req.at);
      if (outcome.kind === 'invalid_transition') return outcome.po;
      return viewOrRefusal(req.purchaseOrderId, outcome);
    },
  };
}

export type PurchaseOrderActivities = ReturnType<typeof createPurchaseOrderActivities>;
