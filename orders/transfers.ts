/**
 * Transfer records (docs/design.md §15). A transfer is created with its reservation at the
 * source in one transaction (not enough available: nothing is written at all), then moved on
 * by its workflow's activities: ship (`transfer_out`), receive (`transfer_in`, lost units
 * recorded on the lines), cancel or compensation (the reservation released), each one
 * transaction with its ledger write under the transfer row's lock.
 */
import type { Knex } from 'knex';
import { mergeStockLines, type StockLine } from '../domain/purchase-orders';
import {
  overTransferReceiptOf,
  sameTransferReceipt,
  transferDocumentId,
  transferKey,
  withTransferReceipt,
  type OverTransferReceipt,
  type ReceiveTransferRequest,
  type ShipTransferRequest,
  type TransferStatus,
  type TransferView,
} from '../domain/transfers';
import { receiveTransfer, releaseTransfer, reserveTransfer, shipTransfer } from '../ledger/documents';
import { createCursorCodec } from './cursor';
import { IdempotencyKeyConflictError } from './errors';
import { claimKey, listDocuments, mutateDocument, type DocumentEvent, type EmitDocumentEvents, type PageRequest } from './document-records';

const T = { table: 'transfers', idColumn: 'transfer_id' };

export type TransferOutcome =
  | { kind: 'not_found' }
  | { kind: 'invalid_transition'; transfer: TransferView }
  | { kind: 'over_receipt'; transfer: TransferView; lines: OverTransferReceipt[] }
  | { kind: 'done'; transfer: TransferView; changed: boolean };

export interface TransferFilters {
  status?: TransferStatus;
  warehouseId?: string;
  sku?: string;
}

export interface TransferRecords {
  /** Inserts the transfer and holds its units at the source; LedgerError INSUFFICIENT_STOCK (nothing written) when they are not available. */
  create(view: TransferView, requestHash: string, idempotencyKey?: string): Promise<{ created: boolean; transfer: TransferView; requestHash: string }>;
  get(transferId: string): Promise<TransferView | undefined>;
  list(filters: TransferFilters, page: PageRequest): Promise<{ transfers: TransferView[]; nextCursor?: string }>;
  ship(transferId: string, req: ShipTransferRequest, at: string): Promise<TransferOutcome>;
  receive(transferId: string, req: ReceiveTransferRequest, at: string): Promise<TransferOutcome>;
  /** Before it ships: the reservation released. */
  cancel(transferId: string, reason: string, at: string): Promise<TransferOutcome>;
  /** In transit past TRANSFER_TIMEOUT. */
  markAttention(transferId: string, at: string): Promise<TransferOutcome>;
}

const linesOf = (t: TransferView): StockLine[] => t.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));

async function writeLines(trx: Knex.Transaction, t: TransferView): Promise<void> {
  for (const l of t.lines) {
    await trx('transfer_lines').where({ transfer_id: t.transferId, sku: l.sku }).update({ status: t.status, shipped: l.shipped, received: l.received, lost: l.lost });
  }
  await trx('transfers').where('transfer_id', t.transferId).update({ status: t.status, expected_at: t.expectedAt ?? null });
}

export function createTransferRecords(knex: Knex, options: { cursorSecret: string; emit?: EmitDocumentEvents }): TransferRecords {
  const codec = createCursorCodec(options.cursorSecret);

  const mutate = async (id: string, change: (t: TransferView, trx: Knex.Transaction) => Promise<{ next?: TransferView; events?: DocumentEvent[]; outcome: TransferOutcome }>) => {
    const r = await mutateDocument<TransferView, TransferOutcome>(
      knex,
      T,
      id,
      async (t, trx) => {
        const c = await change(t, trx);
        return { next: c.next, events: c.events, result: c.outcome };
      },
      writeLines,
      options.emit,
    );
    return r.found ? r.result : ({ kind: 'not_found' } as const);
  };

  const release = async (trx: Knex.Transaction, t: TransferView) =>
    releaseTransfer(trx, { documentId: transferDocumentId(t.transferId), fromWarehouseId: t.fromWarehouseId, lines: linesOf(t), key: transferKey(t.transferId, 'release') });

  return {
    async create(view, requestHash, idempotencyKey) {
      return knex.transaction(async (trx) => {
        const inserted = await trx('transfers')
          .insert({
            transfer_id: view.transferId,
            request_hash: requestHash,
            from_warehouse_id: view.fromWarehouseId,
            to_warehouse_id: view.toWarehouseId,
            status: view.status,
            expected_at: view.expectedAt ?? null,
            view: JSON.stringify(view),
          })
          .onConflict('transfer_id')
          .ignore()
          .returning('transfer_id');
        if (inserted.length === 0) {
          const row = (await trx('transfers').where('transfer_id', view.transferId).first('view', 'request_hash')) as { view: TransferView; request_hash: string };
          return { created: false, transfer: row.view, requestHash: row.request_hash };
        }
        await trx('transfer_lines').insert(
          view.lines.map((l) => ({ transfer_id: view.transferId, sku: l.sku, from_warehouse_id: view.fromWarehouseId, to_warehouse_id: view.toWarehouseId, status: view.status, quantity: l.quantity })),
        );
        if (idempotencyKey !== undefined) {
          const holder = await claimKey(trx, 'transfer_idempotency_keys', 'transfer_id', idempotencyKey, view.transferId);
          if (holder !== view.transferId) throw new IdempotencyKeyConflictError(idempotencyKey, holder);
        }
        await reserveTransfer(trx, { documentId: transferDocumentId(view.transferId), fromWarehouseId: view.fromWarehouseId, lines: linesOf(view), key: transferKey(view.transferId, 'reserve') });
        return { created: true, transfer: view, requestHash };
      });
    },

    async get(id) {
      const row = (await knex('transfers').where('transfer_id', id).first('view')) as { view: TransferView } | undefined;
      return row?.view;
    },

    async list(filters, page) {
      const { items, nextCursor } = await listDocuments<TransferView>(knex, codec, T, { ...filters }, page, (q) => {
        if (filters.status !== undefined) q.where('d.status', filters.status);
        if (filters.warehouseId !== undefined) {
          const w = filters.warehouseId;
          q.where((b) => b.where('d.from_warehouse_id', w).orWhere('d.to_warehouse_id', w));
        }
        if (filters.sku !== undefined) {
          const sku = filters.sku;
          q.whereExists((s) => s.select(knex.raw('1')).from('transfer_lines as l').whereRaw('l.transfer_id = d.transfer_id').where('l.sku', sku));
        }
      });
      return { transfers: items, ...(nextCursor ? { nextCursor } : {}) };
    },

    ship(id, req, at) {
      return mutate(id, async (t, trx) => {
        if (t.status !== 'requested') return { outcome: t.status === 'in_transit' || t.status === 'needs_attention' || t.status === 'received' ? { kind: 'done', transfer: t, changed: false } : { kind: 'invalid_transition', transfer: t } };
        const { shipped } = await shipTransfer(trx, { documentId: transferDocumentId(t.transferId), fromWarehouseId: t.fromWarehouseId, lines: linesOf(t), key: transferKey(t.transferId, 'ship') });
        const by = new Map(shipped.map((a) => [a.sku, a.quantity]));
        const next: TransferView = {
          ...t,
          status: 'in_transit',
          lines: t.lines.map((l) => ({ ...l, shipped: by.get(l.sku) ?? 0 })),
          shippedAt: at,
          ...(req.carrier !== undefined ? { carrier: req.carrier } : {}),
          ...(req.trackingNumber !== undefined ? { trackingNumber: req.trackingNumber } : {}),
          ...(req.expectedAt !== undefined ? { expectedAt: req.expectedAt } : {}),
          history: [...t.history, { at, status: 'in_transit', note: `shipped${req.carrier ? ` with ${req.carrier}` : ''}${req.trackingNumber ? ` ${req.trackingNumber}` : ''}` }],
        };
        return { next, outcome: { kind: 'done', transfer: next, changed: true } };
      });
    },

    receive(id, req, at) {
      return mutate(id, async (t, trx) => {
        if (t.status === 'received') return { outcome: sameTransferReceipt(t, req) ? { kind: 'done', transfer: t, changed: false } : { kind: 'invalid_transition', transfer: t } };
        if (t.status !== 'in_transit' && t.status !== 'needs_attention') return { outcome: { kind: 'invalid_transition', transfer: t } };
        const over = overTransferReceiptOf(t, req.lines);
        if (over.length > 0) return { outcome: { kind: 'over_receipt', transfer: t, lines: over } };
        const lines = mergeStockLines(req.lines);
        await receiveTransfer(trx, { documentId: transferDocumentId(t.transferId), toWarehouseId: t.toWarehouseId, lines, key: transferKey(t.transferId, 'receive') });
        const next = withTransferReceipt(t, req, at);
        const events: DocumentEvent[] = [
          {
            type: 'transfer.received',
            id: `transfer-received:${t.transferId}`,
            data: { transferId: t.transferId, fromWarehouseId: t.fromWarehouseId, toWarehouseId: t.toWarehouseId, receiptId: req.receiptId, lines: next.lines },
          },
        ];
        return { next, events, outcome: { kind: 'done', transfer: next, changed: true } };
      });
    },

    cancel(id, reason, at) {
      return mutate(id, async (t, trx) => {
        if (t.status === 'cancelled') return { outcome: { kind: 'done', transfer: t, changed: false } };
        if (t.status !== 'requested') return { outcome: { kind: 'invalid_transition', transfer: t } };
        await release(trx, t);
        const next: TransferView = { ...t, status: 'cancelled', cancelReason: reason, history: [...t.history, { at, status: 'cancelled', note: `cancelled: ${reason}` }] };
        return { next, outcome: { kind: 'done', transfer: next, changed: true } };
      });
    },

    markAttention(id, at) {
      return mutate(id, async (t) => {
        if (t.status !== 'in_transit') return { outcome: { kind: 'done', transfer: t, changed: false } };
        const next: TransferView = { ...t, status: 'needs_attention', history: [...t.history, { at, status: 'needs_attention', note: 'in transit longer than TRANSFER_TIMEOUT' }] };
        return { next, outcome: { kind: 'done', transfer: next, changed: true } };
      });
    },
  };
}

