/**
 * Purchase orders over HTTP (docs/design.md §15): the record decides what it can (repeat,
 * conflict, closed, over-receipt) before anything moves; the step itself goes to the PO's
 * workflow as an Update, whose activity applies it in one transaction.
 */
import { randomBytes } from 'node:crypto';
import { IdempotencyKeyConflictError, InvalidCursorError, type PurchaseOrderFilters, type PurchaseOrderRecords } from '../orders';
import {
  canCancel,
  canReceive,
  isPurchaseOrderClosed,
  mergeStockLines,
  overReceiptOf,
  purchaseOrderWorkflowId,
  sameReceipt,
  type PurchaseOrderView,
  type StockLine,
} from '../domain/purchase-orders';
import type { Ledger } from '../ledger/types';
import {
  cancelPurchaseOrderUpdate,
  closePurchaseOrderUpdate,
  movePurchaseOrderDateUpdate,
  receivePurchaseOrderUpdate,
} from '../workflows/purchase-order/messages';
import { purchaseOrderStartOptions } from '../workflows/purchase-order/start-options';
import { documentIdFor, executeDocumentUpdate, requestHashOf, startOnce, type DocumentUpdateOptions } from './document-updates';
import { ApiError, invalidCursor, notFound } from './errors';
import { canonicalHash } from './canonical';

export interface PurchaseOrderServiceOptions extends DocumentUpdateOptions {
  records: PurchaseOrderRecords;
  ledger: Ledger;
  taskQueue: string;
}

export interface OpenPurchaseOrderBody {
  purchaseOrderId?: string;
  supplier: string;
  warehouseId: string;
  expectedAt: string;
  lines: StockLine[];
}

const invalidTransition = (po: PurchaseOrderView) =>
  new ApiError(409, 'invalid_transition', `Purchase order ${po.purchaseOrderId} is ${po.status}`, { purchaseOrderId: po.purchaseOrderId, status: po.status });

/** Unknown warehouse or SKUs named in a body: 422, nothing written. */
export async function requireCatalog(ledger: Ledger, warehouseIds: string[], skus: string[]): Promise<void> {
  const warehouses = new Set((await ledger.listWarehouses()).map((w) => w.id));
  const missing = warehouseIds.filter((w) => !warehouses.has(w));
  if (missing.length > 0) throw new ApiError(422, 'unknown_warehouse', `unknown warehouse: ${missing.join(', ')}`, { warehouseIds: missing });
  const { unknownSkus } = await ledger.catalogFacts(skus);
  if (unknownSkus.length > 0) throw new ApiError(422, 'unknown_sku', `unknown sku: ${unknownSkus.join(', ')}`, { skus: unknownSkus });
}

export class PurchaseOrderService {
  constructor(private readonly o: PurchaseOrderServiceOptions) {}

  private start(po: PurchaseOrderView): Promise<void> {
    return startOnce(this.o, `Purchase order ${po.purchaseOrderId}`, () => this.o.client.workflow.start('purchaseOrderWorkflow', purchaseOrderStartOptions(po, this.o.taskQueue)));
  }

  async open(body: OpenPurchaseOrderBody, idempotencyKey?: string): Promise<{ created: boolean; po: PurchaseOrderView }> {
    const lines = mergeStockLines(body.lines);
    await requireCatalog(this.o.ledger, [body.warehouseId], lines.map((l) => l.sku));
    const purchaseOrderId = body.purchaseOrderId ?? documentIdFor('po', idempotencyKey, () => randomBytes(8).toString('hex'));
    const hash = requestHashOf({ supplier: body.supplier, warehouseId: body.warehouseId, expectedAt: new Date(body.expectedAt).toISOString(), lines });
    const createdAt = new Date().toISOString();
    const view: PurchaseOrderView = {
      purchaseOrderId,
      supplier: body.supplier,
      warehouseId: body.warehouseId,
      status: 'open',
      late: false,
      expectedAt: new Date(body.expectedAt).toISOString(),
      lines: lines.map((l) => ({ sku: l.sku, ordered: l.quantity, received: 0, outstanding: l.quantity })),
      receipts: [],
      createdAt,
      history: [{ at: createdAt, status: 'open', note: `opened with ${body.supplier}` }],
    };
    let outcome;
    try {
      outcome = await this.o.records.create(view, hash, idempotencyKey);
    } catch (err) {
      if (err instanceof IdempotencyKeyConflictError) throw new ApiError(409, 'idempotency_conflict', 'This Idempotency-Key already names another purchase order', { purchaseOrderId: err.orderId });
      throw err;
    }
    if (!outcome.created && outcome.requestHash !== hash) {
      throw new ApiError(409, 'idempotency_conflict', `Purchase order ${purchaseOrderId} exists with another body`, { purchaseOrderId });
    }
    // A re-send may follow a first request that lost its workflow start.
    if (!isPurchaseOrderClosed(outcome.po.status)) await this.start(outcome.po);
    return { created: outcome.created, po: outcome.po };
  }

  async get(id: string): Promise<PurchaseOrderView> {
    const po = await this.o.records.get(id);
    if (!po) throw notFound(`Purchase order ${id}`, { purchaseOrderId: id });
    return po;
  }

  async list(filters: PurchaseOrderFilters, page: { limit: number; cursor?: string }) {
    try {
      return await this.o.records.list(filters, page);
    } catch (err) {
      if (err instanceof InvalidCursorError) throw invalidCursor();
      throw err;
    }
  }

  private update<A extends [unknown]>(po: PurchaseOrderView, def: Parameters<typeof executeDocumentUpdate<PurchaseOrderView, A>>[2], args: A, updateId: string) {
    return executeDocumentUpdate(this.o, purchaseOrderWorkflowId(po.purchaseOrderId), def, args, updateId, () => this.start(po), {
      what: `Purchase order ${po.purchaseOrderId}`,
      current: () => this.get(po.purchaseOrderId),
    });
  }

  async receive(id: string, body: { receiptId: string; lines: StockLine[] }): Promise<PurchaseOrderView> {
    const po = await this.get(id);
    const known = po.receipts.find((r) => r.receiptId === body.receiptId);
    if (known) {
      if (sameReceipt(known, body.lines)) return po;
      throw new ApiError(409, 'receipt_conflict', `Receipt ${body.receiptId} of purchase order ${id} was applied with other lines`, { purchaseOrderId: id, receiptId: body.receiptId });
    }
    if (!canReceive(po.status)) throw invalidTransition(po);
    const over = overReceiptOf(po, body.lines);
    if (over.length > 0) {
      throw new ApiError(422, 'over_receipt', `The receipt has more than outstanding on purchase order ${id} (${over.map((o) => `${o.sku}: ${o.requested} > ${o.outstanding}`).join('; ')})`, {
        purchaseOrderId: id,
        lines: over,
      });
    }
    // The lines are in the id: a re-send joins the first; the same receipt id with other lines is decided (409) by the record.
    return this.update(po, receivePurchaseOrderUpdate, [{ receiptId: body.receiptId, lines: body.lines }], `receipt-${body.receiptId}-${canonicalHash(mergeStockLines(body.lines)).slice(0, 16)}`);
  }

  async moveDate(id: string, expectedAt: string): Promise<PurchaseOrderView> {
    const po = await this.get(id);
    if (!canReceive(po.status)) throw invalidTransition(po);
    const iso = new Date(expectedAt).toISOString();
    return this.update(po, movePurchaseOrderDateUpdate, [{ expectedAt: iso }], `move-${canonicalHash({ iso, n: po.history.length }).slice(0, 24)}`);
  }

  async close(id: string, reason: string): Promise<PurchaseOrderView> {
    const po = await this.get(id);
    if (po.status === 'closed_short' || (po.status === 'received' && po.history.some((h) => h.note?.startsWith('closed:')))) return po;
    if (!canReceive(po.status)) throw invalidTransition(po);
    return this.update(po, closePurchaseOrderUpdate, [{ reason }], 'close');
  }

  async cancel(id: string, reason: string): Promise<PurchaseOrderView> {
    const po = await this.get(id);
    if (po.status === 'cancelled') return po;
    if (!canCancel(po)) throw invalidTransition(po);
    return this.update(po, cancelPurchaseOrderUpdate, [{ reason }], 'cancel');
  }
}
