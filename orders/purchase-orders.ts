/**
 * Purchase-order records (docs/design.md §15): written by the API at open and by the PO
 * workflow's activities at every step, read by GET for ever (also after the workflow left
 * Temporal). A receipt's ledger write, the record change and its webhook commit in one
 * transaction under the PO row's lock, so a receipt is applied once whatever retries.
 */
import type { Knex } from 'knex';
import {
  canCancel,
  canClose,
  canMoveDate,
  canReceive,
  isPurchaseOrderClosed,
  mergeStockLines,
  outstandingUnits,
  overReceiptOf,
  purchaseOrderDocumentId,
  purchaseOrderReceiptKey,
  sameReceipt,
  withReceipt,
  type OverReceipt,
  type PurchaseOrderStatus,
  type PurchaseOrderView,
  type StockLine,
} from '../domain/purchase-orders';
import { receivePurchaseOrder } from '../ledger/documents';
import { createCursorCodec } from './cursor';
import { IdempotencyKeyConflictError } from './errors';
import { claimKey, listDocuments, mutateDocument, type DocumentEvent, type EmitDocumentEvents, type PageRequest } from './document-records';

const T = { table: 'purchase_orders', idColumn: 'purchase_order_id' };

export type PurchaseOrderOutcome =
  | { kind: 'not_found' }
  | { kind: 'invalid_transition'; po: PurchaseOrderView }
  | { kind: 'over_receipt'; po: PurchaseOrderView; lines: OverReceipt[] }
  | { kind: 'receipt_conflict'; po: PurchaseOrderView }
  /** `changed` false: a repeat that moved nothing. */
  | { kind: 'done'; po: PurchaseOrderView; changed: boolean };

export interface PurchaseOrderFilters {
  status?: PurchaseOrderStatus;
  warehouseId?: string;
  sku?: string;
  supplier?: string;
}

export interface PurchaseOrderRecords {
  /** Inserts the PO, or answers the stored one (`created` false) for the same id. */
  create(view: PurchaseOrderView, requestHash: string, idempotencyKey?: string): Promise<{ created: boolean; po: PurchaseOrderView; requestHash: string }>;
  get(purchaseOrderId: string): Promise<PurchaseOrderView | undefined>;
  list(filters: PurchaseOrderFilters, page: PageRequest): Promise<{ purchaseOrders: PurchaseOrderView[]; nextCursor?: string }>;
  receive(purchaseOrderId: string, receipt: { receiptId: string; lines: StockLine[]; at: string }): Promise<PurchaseOrderOutcome>;
  moveDate(purchaseOrderId: string, expectedAt: string, at: string): Promise<PurchaseOrderOutcome>;
  close(purchaseOrderId: string, reason: string, at: string): Promise<PurchaseOrderOutcome>;
  cancel(purchaseOrderId: string, reason: string, at: string): Promise<PurchaseOrderOutcome>;
  /** `late` true when `expectedAt` is still the PO's date and units are outstanding; webhook once per date. */
  markLate(purchaseOrderId: string, expectedAt: string, at: string): Promise<PurchaseOrderOutcome>;
}

/** The lines table follows the view: outstanding units of an open PO are incoming. */
async function writeLines(trx: Knex.Transaction, po: PurchaseOrderView): Promise<void> {
  const open = !isPurchaseOrderClosed(po.status);
  for (const l of po.lines) {
    await trx('purchase_order_lines').where({ purchase_order_id: po.purchaseOrderId, sku: l.sku }).update({ received: l.received, open });
  }
  await trx('purchase_orders').where('purchase_order_id', po.purchaseOrderId).update({ status: po.status, expected_at: po.expectedAt });
}

const eventData = (po: PurchaseOrderView) => ({ purchaseOrderId: po.purchaseOrderId, supplier: po.supplier, warehouseId: po.warehouseId, status: po.status, expectedAt: po.expectedAt });

export function createPurchaseOrderRecords(knex: Knex, options: { cursorSecret: string; emit?: EmitDocumentEvents }): PurchaseOrderRecords {
  const codec = createCursorCodec(options.cursorSecret);

  const mutate = async (id: string, change: (po: PurchaseOrderView, trx: Knex.Transaction) => Promise<{ next?: PurchaseOrderView; events?: DocumentEvent[]; outcome: PurchaseOrderOutcome }>) => {
    const r = await mutateDocument<PurchaseOrderView, PurchaseOrderOutcome>(
      knex,
      T,
      id,
      async (po, trx) => {
        const c = await change(po, trx);
        return { next: c.next, events: c.events, result: c.outcome };
      },
      writeLines,
      options.emit,
    );
    return r.found ? r.result : ({ kind: 'not_found' } as const);
  };

  /** A status change with a history note, refused unless `allowed`. */
  const transition = (id: string, allowed: (po: PurchaseOrderView) => boolean, apply: (po: PurchaseOrderView) => PurchaseOrderView | undefined, events?: (next: PurchaseOrderView) => DocumentEvent[]) =>
    mutate(id, async (po) => {
      if (!allowed(po)) return { outcome: { kind: 'invalid_transition', po } };
      const next = apply(po);
      if (!next) return { outcome: { kind: 'done', po, changed: false } };
      return { next, events: events?.(next), outcome: { kind: 'done', po: next, changed: true } };
    });

  return {
    async create(view, requestHash, idempotencyKey) {
      return knex.transaction(async (trx) => {
        const inserted = await trx('purchase_orders')
          .insert({
            purchase_order_id: view.purchaseOrderId,
            request_hash: requestHash,
            supplier: view.supplier,
            warehouse_id: view.warehouseId,
            status: view.status,
            expected_at: view.expectedAt,
            view: JSON.stringify(view),
          })
          .onConflict('purchase_order_id')
          .ignore()
          .returning('purchase_order_id');
        if (inserted.length === 0) {
          const row = (await trx('purchase_orders').where('purchase_order_id', view.purchaseOrderId).first('view', 'request_hash')) as { view: PurchaseOrderView; request_hash: string };
          return { created: false, po: row.view, requestHash: row.request_hash };
        }
        await trx('purchase_order_lines').insert(view.lines.map((l) => ({ purchase_order_id: view.purchaseOrderId, sku: l.sku, warehouse_id: view.warehouseId, ordered: l.ordered, received: 0, open: true })));
        if (idempotencyKey !== undefined) {
          const holder = await claimKey(trx, 'purchase_order_idempotency_keys', 'purchase_order_id', idempotencyKey, view.purchaseOrderId);
          if (holder !== view.purchaseOrderId) throw new IdempotencyKeyConflictError(idempotencyKey, holder);
        }
        return { created: true, po: view, requestHash };
      });
    },

    async get(id) {
      const row = (await knex('purchase_orders').where('purchase_order_id', id).first('view')) as { view: PurchaseOrderView } | undefined;
      return row?.view;
    },

    async list(filters, page) {
      const { items, nextCursor } = await listDocuments<PurchaseOrderView>(knex, codec, T, { ...filters }, page, (q) => {
        if (filters.status !== undefined) q.where('d.status', filters.status);
        if (filters.warehouseId !== undefined) q.where('d.warehouse_id', filters.warehouseId);
        if (filters.supplier !== undefined) q.where('d.supplier', filters.supplier);
        if (filters.sku !== undefined) {
          const sku = filters.sku;
          q.whereExists((s) => s.select(knex.raw('1')).from('purchase_order_lines as l').whereRaw('l.purchase_order_id = d.purchase_order_id').where('l.sku', sku));
        }
      });
      return { purchaseOrders: items, ...(nextCursor ? { nextCursor } : {}) };
    },

    receive(id, receipt) {
      return mutate(id, async (po, trx) => {
        const known = po.receipts.find((r) => r.receiptId === receipt.receiptId);
        if (known) return { outcome: sameReceipt(known, receipt.lines) ? { kind: 'done', po, changed: false } : { kind: 'receipt_conflict', po } };
        if (!canReceive(po.status)) return { outcome: { kind: 'invalid_transition', po } };
        const over = overReceiptOf(po, receipt.lines);
        if (over.length > 0) return { outcome: { kind: 'over_receipt', po, lines: over } };
        const lines = mergeStockLines(receipt.lines);
        await receivePurchaseOrder(trx, {
          documentId: purchaseOrderDocumentId(po.purchaseOrderId),
          purchaseOrderId: po.purchaseOrderId,
          receiptId: receipt.receiptId,
          warehouseId: po.warehouseId,
          lines,
          key: purchaseOrderReceiptKey(po.purchaseOrderId, receipt.receiptId),
        });
        const next = withReceipt(po, { receiptId: receipt.receiptId, at: receipt.at, lines });
        const events: DocumentEvent[] = [
          { type: 'purchase_order.received', id: `po-received:${po.purchaseOrderId}:${receipt.receiptId}`, data: { ...eventData(next), receiptId: receipt.receiptId, lines } },
        ];
        return { next, events, outcome: { kind: 'done', po: next, changed: true } };
      });
    },

    moveDate(id, expectedAt, at) {
      return transition(
        id,
        (po) => canMoveDate(po.status),
        (po) =>
          Date.parse(po.expectedAt) === Date.parse(expectedAt)
            ? undefined
            : { ...po, expectedAt, late: false, history: [...po.history, { at, status: po.status, note: `expected at ${expectedAt} (was ${po.expectedAt})` }] },
      );
    },

    close(id, reason, at) {
      return transition(
        id,
        (po) => canClose(po.status),
        (po) => {
          const status: PurchaseOrderStatus = outstandingUnits(po) > 0 ? 'closed_short' : 'received';
          return { ...po, status, late: false, history: [...po.history, { at, status, note: `closed: ${reason}` }] };
        },
      );
    },

    cancel(id, reason, at) {
      return transition(
        id,
        (po) => canCancel(po),
        (po) => ({ ...po, status: 'cancelled', late: false, history: [...po.history, { at, status: 'cancelled', note: `cancelled: ${reason}` }] }),
      );
    },

    markLate(id, expectedAt, at) {
      return transition(
        id,
        (po) => canReceive(po.status),
        (po) =>
          po.late || po.expectedAt !== expectedAt || outstandingUnits(po) === 0
            ? undefined
            : { ...po, late: true, history: [...po.history, { at, status: po.status, note: `late: expected at ${po.expectedAt}, ${outstandingUnits(po)} unit(s) outstanding` }] },
        (next) => [{ type: 'purchase_order.late', id: `po-late:${next.purchaseOrderId}:${Date.parse(next.expectedAt)}`, data: { ...eventData(next), outstanding: outstandingUnits(next) } }],
      );
    },
  };
}
