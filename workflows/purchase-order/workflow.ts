/**
 * One purchase order (docs/design.md §15), id `purchase-order-<id>`: receipts, date moves,
 * close and cancel arrive as Updates, each applied by one activity (ledger, record and
 * webhook in one transaction); a durable timer marks the PO `late` when `expectedAt` passes
 * with units outstanding (once per date). Ends when the PO is received, closed short or
 * cancelled. The API wrote the record as `open` before starting this.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { allHandlersFinished, condition, log, proxyActivities, setCurrentDetails, setHandler, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { PurchaseOrderActivities } from '../../activities/purchase-order-activities';
import { canCancel, canReceive, isPurchaseOrderClosed, outstandingUnits, type PurchaseOrderView } from '../../domain/purchase-orders';
import { md } from '../../domain/markdown';
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
  let view = initial;
  let version = 0;
  let busy = false;
  let updateSeen = false;
  let published = '';

  const publish = () => {
    if (published !== view.status) {
      upsertSearchAttributes([{ key: PurchaseOrderStatusKey, value: view.status }]);
      published = view.status;
    }
    setCurrentDetails(
      [
        `**Status:** ${view.status}${view.late ? ' · late' : ''}`,
        `**Expected:** ${md(view.expectedAt)}`,
        `**Lines:** ${view.lines.map((l) => `${md(l.sku)} ${l.received}/${l.ordered}`).join(', ')}`,
      ].join('\n\n'),
    );
  };

  /** One step at a time: every step's result is the PO as stored after it. */
  const step = async (run: () => Promise<PurchaseOrderView>, fromUpdate: boolean): Promise<PurchaseOrderView> => {
    await condition(() => !busy);
    busy = true;
    if (fromUpdate) updateSeen = true;
    try {
      view = await run();
      version++;
      publish();
      return view;
    } catch (err) {
      log.warn('purchase order step refused or failed', { purchaseOrderId: view.purchaseOrderId, error: (err as Error).message });
      throw refusalOf(err);
    } finally {
      busy = false;
    }
  };

  const id = view.purchaseOrderId;
  const whileOpen = <A>() => ({
    validator: (_req: A) => {
      if (!canReceive(view.status)) throw invalid(view);
    },
  });
  setHandler(purchaseOrderQuery, () => view);
  setHandler(receivePurchaseOrderUpdate, (req) => step(() => acts.receivePurchaseOrder.executeWithOptions({ summary: `Receipt ${md(req.receiptId)}` }, [{ purchaseOrderId: id, receiptId: req.receiptId, lines: req.lines, at: nowIso() }]), true), {
    // A repeat of a receipt already applied passes: the activity answers the PO unchanged.
    validator: (req) => {
      if (!view.receipts.some((r) => r.receiptId === req?.receiptId) && !canReceive(view.status)) throw invalid(view);
    },
  });
  setHandler(movePurchaseOrderDateUpdate, (req) => step(() => acts.movePurchaseOrderDate.executeWithOptions({ summary: `Expected at ${md(req.expectedAt)}` }, [{ purchaseOrderId: id, expectedAt: req.expectedAt, at: nowIso() }]), true), whileOpen<{ expectedAt: string }>());
  setHandler(closePurchaseOrderUpdate, (req) => step(() => acts.closePurchaseOrder.executeWithOptions({ summary: 'Close' }, [{ purchaseOrderId: id, reason: req.reason, at: nowIso() }]), true), whileOpen<{ reason: string }>());
  setHandler(cancelPurchaseOrderUpdate, (req) => step(() => acts.cancelPurchaseOrder.executeWithOptions({ summary: 'Cancel' }, [{ purchaseOrderId: id, reason: req.reason, at: nowIso() }]), true), {
    validator: (_req: { reason: string }) => {
      if (!canCancel(view) && view.status !== 'cancelled') throw invalid(view);
    },
  });

  publish();
  while (!isPurchaseOrderClosed(view.status)) {
    const seen = version;
    const dueIn = Date.parse(view.expectedAt) - Date.now();
    if (!view.late && outstandingUnits(view) > 0 && dueIn <= 0) {
      const expectedAt = view.expectedAt;
      // Answers the PO as stored: late, or with another date (moved meanwhile) the loop looks at again.
      await step(() => acts.markPurchaseOrderLate.executeWithOptions({ summary: 'Late' }, [{ purchaseOrderId: id, expectedAt, at: nowIso() }]), false);
      continue;
    }
    if (!view.late && dueIn > 0) await condition(() => version !== seen, dueIn, { summary: 'expected date' });
    else await condition(() => version !== seen);
  }

  await condition(allHandlersFinished);
  // As in the order workflow: an Update that finished the PO is made durable before close.
  if (updateSeen) {
    await sleep(1, { summary: 'close' });
    await condition(allHandlersFinished);
  }
  return view;
}
