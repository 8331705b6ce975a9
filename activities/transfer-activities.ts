/**
 * The transfer workflow's activities (docs/design.md §15): one transaction each in the
 * transfer records (ledger write, record, webhook), idempotent on keys derived from the
 * transfer and the step. Refusals are non-retryable ApplicationFailures typed for the API.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ReceiveTransferRequest, ShipTransferRequest, TransferView } from '../domain/transfers';
import type { TransferOutcome, TransferRecords } from '../orders/transfers';
import { INVALID_TRANSITION } from '../workflows/order/messages';
import { OVER_RECEIPT } from '../workflows/purchase-order/messages';
import { mapErrors } from './errors';

export interface TransferActivityDeps {
  transfers?: TransferRecords;
  wakeStock?: (skus: string[]) => void;
  supplyChanged?: (skus: string[]) => void;
}

export function transferOrRefusal(id: string, outcome: TransferOutcome): TransferView {
  switch (outcome.kind) {
    case 'done':
      return outcome.transfer;
    case 'not_found':
      throw ApplicationFailure.create({ type: 'NotFound', message: `no transfer ${id}`, nonRetryable: true });
    case 'invalid_transition':
      throw ApplicationFailure.create({ type: INVALID_TRANSITION, message: `Transfer ${id} is ${outcome.transfer.status}`, details: [{ status: outcome.transfer.status }], nonRetryable: true });
    case 'over_receipt':
      throw ApplicationFailure.create({ type: OVER_RECEIPT, message: `More received than shipped on transfer ${id}`, details: [{ lines: outcome.lines }], nonRetryable: true });
  }
}

export function createTransferActivities(deps: TransferActivityDeps) {
  const records = (): TransferRecords => {
    if (!deps.transfers) throw new Error('no transfer records given to createTransferActivities');
    return deps.transfers;
  };
  const skusOf = (t: TransferView) => t.lines.map((l) => l.sku);
  const after = (outcome: TransferOutcome, id: string, wake = false): TransferView => {
    const t = transferOrRefusal(id, outcome);
    if (outcome.kind === 'done' && outcome.changed) {
      if (wake) deps.wakeStock?.(skusOf(t));
      deps.supplyChanged?.(skusOf(t));
    }
    return t;
  };

  return {
    async shipTransfer(req: { transferId: string; request: ShipTransferRequest; at: string }): Promise<TransferView> {
      return after(await mapErrors(() => records().ship(req.transferId, req.request, req.at)), req.transferId);
    },
    async receiveTransfer(req: { transferId: string; request: ReceiveTransferRequest; at: string }): Promise<TransferView> {
      return after(await mapErrors(() => records().receive(req.transferId, req.request, req.at)), req.transferId, true);
    },
    /** Cancel and compensation alike: a requested transfer's reservation released; a cancelled one stays as it is. */
    async cancelTransfer(req: { transferId: string; reason: string; at: string }): Promise<TransferView> {
      // Released units may fill waiting orders at the source.
      return after(await mapErrors(() => records().cancel(req.transferId, req.reason, req.at)), req.transferId, true);
    },
    async markTransferAttention(req: { transferId: string; at: string }): Promise<TransferView> {
      return after(await records().markAttention(req.transferId, req.at), req.transferId);
    },
  };
}

export type TransferActivities = ReturnType<typeof createTransferActivities>;
