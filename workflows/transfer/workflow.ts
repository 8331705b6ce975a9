/**
 * One transfer between warehouses (docs/design.md §15), id `transfer-<id>`. The API holds the
 * units at the source and writes the record (one transaction) before starting this; ship,
 * receive and cancel arrive as Updates, each one activity. In transit longer than
 * TRANSFER_TIMEOUT (fixed at start) → `needs_attention`; receive still ends it.
 * Compensation: cancelled from the Temporal UI, or failing, while still `requested`, the
 * reservation is released in a non-cancellable scope, so a transfer never leaves stock held.
 */
import { CancellationScope, condition, isCancellation, proxyActivities, setHandler } from '@temporalio/workflow';
import { ApplicationFailure } from '@temporalio/common';
import type { TransferActivities } from '../../activities/transfer-activities';
import { isTransferClosed, type ReceiveTransferRequest, type ShipTransferRequest, type TransferView } from '../../domain/transfers';
import { md } from '../../domain/markdown';
import { DocumentSteps } from '../document-steps';
import { NON_RETRYABLE_TYPES } from '../../domain/failure-types';
import { INVALID_TRANSITION } from '../order/messages';
import { OVER_RECEIPT, RECEIPT_CONFLICT } from '../purchase-order/messages';
import { refusalOf } from '../purchase-order/workflow';
import { TransferStatusKey } from '../search-attributes';
import { cancelTransferUpdate, receiveTransferUpdate, shipTransferUpdate, transferQuery } from './messages';

const acts = proxyActivities<TransferActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '60s', nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES, INVALID_TRANSITION, OVER_RECEIPT, RECEIPT_CONFLICT, 'NotFound'] },
});

const nowIso = () => new Date(Date.now()).toISOString();

const invalid = (t: TransferView) =>
  ApplicationFailure.create({ type: INVALID_TRANSITION, message: `Transfer ${t.transferId} is ${t.status}`, details: [{ status: t.status }], nonRetryable: true });

export async function transferWorkflow(initial: TransferView, opts: { timeoutMs: number }): Promise<TransferView> {
  const id = initial.transferId;
  const doc = new DocumentSteps(
    initial,
    'transfer',
    TransferStatusKey,
    (v) => [`**Status:** ${v.status}`, `**Route:** ${md(v.fromWarehouseId)} → ${md(v.toWarehouseId)}`, `**Lines:** ${v.lines.map((l) => `${md(l.sku)} ${l.received}/${l.shipped}/${l.quantity}${l.lost ? ` (${l.lost} lost)` : ''}`).join(', ')}`],
    { transferId: id },
    refusalOf,
  );
  const step = (run: () => Promise<TransferView>, fromUpdate: boolean) => doc.step(run, fromUpdate);

  setHandler(transferQuery, () => doc.view);
  setHandler(shipTransferUpdate, (req) => step(() => acts.shipTransfer.executeWithOptions({ summary: 'Ship' }, [{ transferId: id, request: req ?? {}, at: nowIso() }]), true), {
    validator: (_req: ShipTransferRequest) => {
      if (doc.view.status === 'cancelled') throw invalid(doc.view);
    },
  });
  setHandler(receiveTransferUpdate, (req) => step(() => acts.receiveTransfer.executeWithOptions({ summary: `Receipt ${md(req.receiptId)}` }, [{ transferId: id, request: req, at: nowIso() }]), true), {
    validator: (_req: ReceiveTransferRequest) => {
      if (doc.view.status === 'requested' || doc.view.status === 'cancelled') throw invalid(doc.view);
    },
  });
  setHandler(cancelTransferUpdate, (req) => step(() => acts.cancelTransfer.executeWithOptions({ summary: 'Cancel' }, [{ transferId: id, reason: req.reason, at: nowIso() }]), true), {
    validator: (_req: { reason: string }) => {
      if (doc.view.status !== 'requested' && doc.view.status !== 'cancelled') throw invalid(doc.view);
    },
  });

  doc.publish();
  try {
    while (!isTransferClosed(doc.view.status)) {
      const seen = doc.version;
      if (doc.view.status === 'in_transit' && doc.view.shippedAt) {
        const left = Date.parse(doc.view.shippedAt) + opts.timeoutMs - Date.now();
        const moved = left > 0 && (await condition(() => doc.version !== seen, left, { summary: 'transfer timeout' }));
        if (!moved && doc.version === seen) await step(() => acts.markTransferAttention.executeWithOptions({ summary: 'Needs attention' }, [{ transferId: id, at: nowIso() }]), false);
      } else {
        await condition(() => doc.version !== seen);
      }
    }
  } catch (err) {
    // Only a transfer still requested holds stock; once shipped, the units are on the road.
    if (doc.view.status === 'requested') {
      const reason = isCancellation(err) ? 'workflow cancelled' : `workflow failed: ${(err as Error).message}`;
      await CancellationScope.nonCancellable(async () => {
        await doc.idle();
        doc.view = await acts.cancelTransfer.executeWithOptions({ summary: 'Release the reservation' }, [{ transferId: id, reason, at: nowIso() }]);
        doc.publish();
      });
    }
    throw err;
  }

  return doc.close();
}
