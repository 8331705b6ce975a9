/**
 * Transfers over HTTP (docs/design.md §15): the request is recorded and its units held at
 * the source in one transaction (409 insufficient_stock: nothing written), then the
 * transfer's workflow is started; ship, receive and cancel go to it as Updates.
 */
import { randomBytes } from 'node:crypto';
import { IdempotencyKeyConflictError, InvalidCursorError, type TransferFilters, type TransferRecords } from '../orders';
import { mergeStockLines, type StockLine } from '../domain/purchase-orders';
import { isTransferClosed, overTransferReceiptOf, sameTransferReceipt, transferWorkflowId, type ReceiveTransferRequest, type ShipTransferRequest, type TransferView } from '../domain/transfers';
import type { Ledger } from '../ledger/types';
import { cancelTransferUpdate, receiveTransferUpdate, shipTransferUpdate } from '../workflows/transfer/messages';
import { transferStartOptions } from '../workflows/transfer/start-options';
import { canonicalHash } from './canonical';
import { documentIdFor, executeDocumentUpdate, requestHashOf, startOnce, type DocumentUpdateOptions } from './document-updates';
import { ApiError, invalidCursor, notFound } from './errors';
import { requireCatalog } from './purchase-order-service';

export interface TransferServiceOptions extends DocumentUpdateOptions {
  records: TransferRecords;
  ledger: Ledger;
  taskQueue: string;
  timeoutMs: number;
}

export interface RequestTransferBody {
  transferId?: string;
  fromWarehouseId: string;
  toWarehouseId: string;
  lines: StockLine[];
  expectedAt?: string;
}

const invalidTransition = (t: TransferView) => new ApiError(409, 'invalid_transition', `Transfer ${t.transferId} is ${t.status}`, { transferId: t.transferId, status: t.status });

export class TransferService {
  constructor(private readonly o: TransferServiceOptions) {}

  private start(t: TransferView): Promise<void> {
    return startOnce(this.o, `Transfer ${t.transferId}`, () => this.o.client.workflow.start('transferWorkflow', transferStartOptions(t, this.o.taskQueue, this.o.timeoutMs)));
  }

  async request(body: RequestTransferBody, idempotencyKey?: string): Promise<{ created: boolean; transfer: TransferView }> {
    if (body.fromWarehouseId === body.toWarehouseId) {
      throw new ApiError(422, 'same_warehouse', 'A transfer needs two different warehouses', { fromWarehouseId: body.fromWarehouseId, toWarehouseId: body.toWarehouseId });
    }
    const lines = mergeStockLines(body.lines);
    await requireCatalog(this.o.ledger, [body.fromWarehouseId, body.toWarehouseId], lines.map((l) => l.sku));
    const transferId = body.transferId ?? documentIdFor('tr', idempotencyKey, () => randomBytes(8).toString('hex'));
    const expectedAt = body.expectedAt === undefined ? undefined : new Date(body.expectedAt).toISOString();
    const hash = requestHashOf({ fromWarehouseId: body.fromWarehouseId, toWarehouseId: body.toWarehouseId, lines, expectedAt: expectedAt ?? null });
    const createdAt = new Date().toISOString();
    const view: TransferView = {
      transferId,
      fromWarehouseId: body.fromWarehouseId,
      toWarehouseId: body.toWarehouseId,
      status: 'requested',
      ...(expectedAt ? { expectedAt } : {}),
      lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, shipped: 0, received: 0, lost: 0 })),
      createdAt,
      history: [{ at: createdAt, status: 'requested', note: `${lines.reduce((n, l) => n + l.quantity, 0)} unit(s) held at ${body.fromWarehouseId}` }],
    };
    let outcome;
    try {
      outcome = await this.o.records.create(view, hash, idempotencyKey);
    } catch (err) {
      if (err instanceof IdempotencyKeyConflictError) throw new ApiError(409, 'idempotency_conflict', 'This Idempotency-Key already names another transfer', { transferId: err.orderId });
      throw err;
    }
    if (!outcome.created && outcome.requestHash !== hash) throw new ApiError(409, 'idempotency_conflict', `Transfer ${transferId} exists with another body`, { transferId });
    if (!isTransferClosed(outcome.transfer.status)) await this.start(outcome.transfer);
    return { created: outcome.created, transfer: outcome.transfer };
  }

  async get(id: string): Promise<TransferView> {
    const t = await this.o.records.get(id);
    if (!t) throw notFound(`Transfer ${id}`, { transferId: id });
    return t;
  }

  async list(filters: TransferFilters, page: { limit: number; cursor?: string }) {
    try {
      return await this.o.records.list(filters, page);
    } catch (err) {
      if (err instanceof InvalidCursorError) throw invalidCursor();
      throw err;
    }
  }

  private update<A extends [unknown]>(t: TransferView, def: Parameters<typeof executeDocumentUpdate<TransferView, A>>[2], args: A, updateId: string) {
    return executeDocumentUpdate(this.o, transferWorkflowId(t.transferId), def, args, updateId, () => this.start(t), {
      what: `Transfer ${t.transferId}`,
      current: () => this.get(t.transferId),
    });
  }

  async ship(id: string, body: ShipTransferRequest): Promise<TransferView> {
    const t = await this.get(id);
    if (t.status !== 'requested') {
      if (t.status === 'cancelled') throw invalidTransition(t);
      return t;
    }
    return this.update(t, shipTransferUpdate, [body], 'ship');
  }

  async receive(id: string, body: ReceiveTransferRequest): Promise<TransferView> {
    const t = await this.get(id);
    if (t.status === 'received') {
      if (sameTransferReceipt(t, body)) return t;
      throw invalidTransition(t);
    }
    if (t.status !== 'in_transit' && t.status !== 'needs_attention') throw invalidTransition(t);
    const over = overTransferReceiptOf(t, body.lines);
    if (over.length > 0) {
      throw new ApiError(422, 'over_receipt', `The receipt has more than shipped on transfer ${id} (${over.map((o) => `${o.sku}: ${o.requested} > ${o.shipped}`).join('; ')})`, { transferId: id, lines: over });
    }
    return this.update(t, receiveTransferUpdate, [body], `receipt-${body.receiptId}-${canonicalHash(mergeStockLines(body.lines)).slice(0, 16)}`);
  }

  async cancel(id: string, reason: string): Promise<TransferView> {
    const t = await this.get(id);
    if (t.status === 'cancelled') return t;
    if (t.status !== 'requested') throw invalidTransition(t);
    return this.update(t, cancelTransferUpdate, [{ reason }], 'cancel');
  }
}
