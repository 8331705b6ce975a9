/**
 * One transfer between warehouses (docs/design.md §15), id `transfer-<id>`. The API holds the
 * units at the source and writes the record (one transaction) before starting this; ship,
 * receive and cancel arrive as Updates, each one activity. In transit longer than
 * TRANSFER_TIMEOUT (fixed at start) → `needs_attention`; receive still ends it.
 * Compensation: cancelled from the Temporal UI, or failing, while still `requested`, the
 * reservation is released in a non-cancellable scope, so a transfer never leaves stock held.
 */
import { CancellationScope, allHandlersFinished, condition, isCancellation, log, proxyActivities, setCurrentDetails, setHandler, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import { ApplicationFailure } from '@temporalio/common';
import type { TransferActivities } from '../../activities/transfer-activities';
import { isTransferClosed, type ReceiveTransferRequest, type ShipTransferRequest, type TransferView } from '../../domain/transfers';
import { md } from '../../domain/markdown';
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
  let view = initial;
  let version = 0;
  let busy = false;
  let updateSeen = false;
  let published = '';
  const id = view.transferId;

  const publish = () => {
    if (published !== view.status) {
      upsertSearchAttributes([{ key: TransferStatusKey, value: view.status }]);
      published = view.status;
    }
    setCurrentDetails(
      [`**Status:** ${view.status}`, `**Route:** ${md(view.fromWarehouseId)} → ${md(view.toWarehouseId)}`, `**Lines:** ${view.lines.map((l) => `${md(l.sku)} ${l.received}/${l.shipped}/${l.quantity}${l.lost ? ` (${l.lost} lost)` : ''}`).join(', ')}`].join('\n\n'),
    );
  };

  const step = async (run: () => Promise<TransferView>, fromUpdate: boolean): Promise<TransferView> => {
    await condition(() => !busy);
    busy = true;
    if (fromUpdate) updateSeen = true;
    try {
      view = await run();
      version++;
      publish();
      return view;
    } catch (err) {
      log.warn('transfer step refused or failed', { transferId: id, error: (err as Error).message });
      throw refusalOf(err);
    } finally {
      busy = false;
    }
  };

  setHandler(transferQuery, () => view);
  setHandler(shipTransferUpdate, (req) => step(() => acts.shipTransfer.executeWithOptions({ summary: 'Ship' }, [{ transferId: id, request: req ?? {}, at: nowIso() }]), true), {
    validator: (_req: ShipTransferRequest) => {
      if (view.status === 'cancelled') throw invalid(view);
    },
  });
  setHandler(receiveTransferUpdate, (req) => step(() => acts.receiveTransfer.executeWithOptions({ summary: `Receipt ${md(req.receiptId)}` }, [{ transferId: id, request: req, at: nowIso() }]), true), {
    validator: (_req: ReceiveTransferRequest) => {
      if (view.status === 'requested' || view.status === 'cancelled') throw invalid(view);
    },
  });
  setHandler(cancelTransferUpdate, (req) => step(() => acts.cancelTransfer.executeWithOptions({ summary: 'Cancel' }, [{ transferId: id, reason: req.reason, at: nowIso() }]), true), {
    validator: (_req: { reason: string }) => {
      if (view.status !== 'requested' && view.status !== 'cancelled') throw invalid(view);
    },
  });

  publish();
  try {
    while (!isTransferClosed(view.status)) {
      const seen = version;
      if (view.status === 'in_transit' && view.shippedAt) {
        const left = Date.parse(view.shippedAt) + opts.timeoutMs - Date.now();
        const moved = left > 0 && (await condition(() => version !== seen, left, { summary: 'transfer timeout' }));
        if (!moved && version === seen) await step(() => acts.markTransferAttention.executeWithOptions({ summary: 'Needs attention' }, [{ transferId: id, at: nowIso() }]), false);
      } else {
        await condition(() => version !== seen);
      }
    }
  } catch (err) {
    // Only a transfer still requested holds stock; once shipped, the units are on the road.
    if (view.status === 'requested') {
      const reason = isCancellation(err) ? 'workflow cancelled' : `workflow failed: ${(err as Error).message}`;
      await CancellationScope.nonCancellable(async () => {
        await condition(() => !busy);
        view = await acts.cancelTransfer.executeWithOptions({ summary: 'Release the reservation' }, [{ transferId: id, reason, at: nowIso() }]);
        publish();
      });
    }
    throw err;
  }

  await condition(allHandlersFinished);
  if (updateSeen) {
    await sleep(1, { summary: 'close' });
    await condition(allHandlersFinished);
  }
  return view;
}
