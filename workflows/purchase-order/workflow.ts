/**
 * One purchase order (docs/design.md §15), id `purchase-order-<id>`: receipts, date moves,
 * close and cancel arrive as Updates, each applied by one activity (ledger, record and
 * webhook in one transaction); a durable timer marks the PO `late` when `expectedAt` passes
 * with units outstanding (once per date). Ends when the PO is received, closed short or
 * cancelled. The API wrote the record as `open` before starting this.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { PurchaseOrderActivities } from '../../activities/purchase-order-activities';
import { canCancel, canReceive, isPurchaseOrderClosed, outstandingUnits, type PurchaseOrderView } from '../../domain/purchase-orders';
import { md } from '../../domain/markdown';
import { DocumentSteps } from '../document-steps';
import { NON_RETRYABLE_TYPES } from '../../domain/failure-types';
import { INVALID_TRANSITION } from '../order/messages';
import { PurchaseOrderStatusKey } from '../search-attributes';
import {
  cancelPurchaseOrderUpdate,
  closePurchaseOrderUpdate,
  movePurchaseOrderDateUpdate,
  purchaseOrderQuery,
  receivePurchaseOrderUpdate,
  OVER_RECEIPT,
  RECEIPT_CONFLICT,
} from './messages';

// The goods are on the shelf whatever the database says: keep trying until the write lands.
const acts = proxyActivities<PurchaseOrderActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '60s', nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES, INVALID_TRANSITION, OVER_RECEIPT, RECEIPT_CONFLICT, 'NotFound'] },
});

const nowIso = () => new Date(Date.now()).toISOString();

/** A business refusal from the activity comes out of the Update as its own ApplicationFailure type. */
export function refusalOf(err: unknown): unknown {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (cause instanceof ApplicationFailure && cause.nonRetryable) {
    return ApplicationFailure.create({ type: cause.type ?? 'Refused', message: cause.message, details: cause.details ? [...cause.details] : undefined, nonRetryable: true });
  }
  return err;
}

const invalid = (view: PurchaseOrderView) =>
  ApplicationFailure.create({ type: INVALID_TRANSITION, message: `Purchase order ${view.purchaseOrderId} is ${view.status}`, details: [{ status: view.status }], nonRetryable: true });

export async function purchaseOrderWorkflow(initial: PurchaseOrderView): Promise<PurchaseOrderView> {
  const doc = new DocumentSteps(
    initial,
    'purchase order',
    PurchaseOrderStatusKey,
    (v) => [`**Status:** ${v.status}${v.late ? ' · late' : ''}`, `**Expected:** ${md(v.expectedAt)}`, `**Lines:** ${v.lines.map((l) => `${md(l.sku)} ${l.received}/${l.ordered}`).join(', ')}`],
    { purchaseOrderId: initial.purchaseOrderId },
    refusalOf,
  );
  const step = (run: () => Promise<PurchaseOrderView>, fromUpdate: boolean) => doc.step(run, fromUpdate);

  const id = doc.view.purchaseOrderId;
  const whileOpen = <A>() => ({
    validator: (_req: A) => {
      if (!canReceive(doc.view.status)) throw invalid(doc.view);
    },
  });
  setHandler(purchaseOrderQuery, () => doc.view);
  setHandler(receivePurchaseOrderUpdate, (req) => step(() => acts.receivePurchaseOrder.executeWithOptions({ summary: `Receipt ${md(req.receiptId)}` }, [{ purchaseOrderId: id, receiptId: req.receiptId, lines: req.lines, at: nowIso() }]), true), {
    // A repeat of a receipt already applied passes: the activity answers the PO unchanged.
    validator: (req) => {
      if (!doc.view.receipts.some((r) => r.receiptId === req?.receiptId) && !canReceive(doc.view.status)) throw invalid(doc.view);
    },
  });
  setHandler(movePurchaseOrderDateUpdate, (req) => step(() => acts.movePurchaseOrderDate.executeWithOptions({ summary: `Expected at ${md(req.expectedAt)}` }, [{ purchaseOrderId: id, expectedAt: req.expectedAt, at: nowIso() }]), true), whileOpen<{ expectedAt: string }>());
  setHandler(closePurchaseOrderUpdate, (req) => step(() => acts.closePurchaseOrder.executeWithOptions({ summary: 'Close' }, [{ purchaseOrderId: id, reason: req.reason, at: nowIso() }]), true), whileOpen<{ reason: string }>());
  setHandler(cancelPurchaseOrderUpdate, (req) => step(() => acts.cancelPurchaseOrder.executeWithOptions({ summary: 'Cancel' }, [{ purchaseOrderId: id, reason: req.reason, at: nowIso() }]), true), {
    validator: (_req: { reason: string }) => {
      if (!canCancel(doc.view) && doc.view.status !== 'cancelled') throw invalid(doc.view);
    },
  });

  doc.publish();
  while (!isPurchaseOrderClosed(doc.view.status)) {
    const seen = doc.version;
    const dueIn = Date.parse(doc.view.expectedAt) - Date.now();
    if (!doc.view.late && outstandingUnits(doc.view) > 0 && dueIn <= 0) {
      const expectedAt = doc.view.expectedAt;
      // Answers the PO as stored: late, or with another date (moved meanwhile) the loop looks at again.
      await step(() => acts.markPurchaseOrderLate.executeWithOptions({ summary: 'Late' }, [{ purchaseOrderId: id, expectedAt, at: nowIso() }]), false);
      continue;
    }
    if (!doc.view.late && dueIn > 0) await condition(() => doc.version !== seen, dueIn, { summary: 'expected date' });
    else await condition(() => doc.version !== seen);
  }

  return doc.close();
}
