/**
 * Ledger writes of the stock documents (docs/design.md §15): a purchase order's receipts and a
 * transfer's reserve, ship, receive and release. Each runs on the knex it is handed — the
 * caller passes the transaction that also moves the document's record, so the record and the
 * balance commit together — and is idempotent on its key like every ledger write.
 *
 * A document's movements and reservations carry its document id (`po:<id>`, `transfer:<id>`)
 * as `order_id`; no order id contains ":", so an order never reads or releases them.
 */
import type { Knex } from 'knex';
import type { LedgerContext } from './context';
import { unknownIn } from './context';
import { LedgerError } from './errors';
import { requestHash } from './idempotency';
import { mergeLines } from './lines';
import { withStatus } from './position';
import type { ApplyPlan } from './store';
import type { Allocation, OrderLine } from './types';
import { requireKey, runWrite } from './write';

type Db = Knex | Knex.Transaction;

function requireKnown(ctx: LedgerContext, warehouseId: string, skus: string[]): void {
  if (!ctx.warehouse) throw new LedgerError('UNKNOWN_WAREHOUSE', `unknown warehouse: ${warehouseId}`, { warehouseId });
  const unknown = unknownIn(ctx, skus);
  if (unknown.length > 0) throw new LedgerError('UNKNOWN_SKU', `unknown sku: ${unknown.join(', ')}`, { skus: unknown });
}

function write<T>(db: Db, op: string, key: string, documentId: string, warehouseId: string, lines: OrderLine[], args: unknown, plan: (ctx: LedgerContext) => ApplyPlan): Promise<T> {
  requireKey(key);
  return runWrite<T>(db as Knex, { op, key, hash: requestHash(op, args), orderId: documentId, warehouseId, skus: lines.map((l) => l.sku) }, plan);
}

/** A PO receipt: `receipt` movements at the PO's warehouse, reason naming the PO and the receipt. */
export function receivePurchaseOrder(
  db: Db,
  input: { documentId: string; purchaseOrderId: string; receiptId: string; warehouseId: string; lines: OrderLine[]; key: string },
): Promise<{ received: Allocation[] }> {
  const lines = mergeLines(input.lines);
  const reason = `purchase order ${input.purchaseOrderId} receipt ${input.receiptId}`;
  return write(db, 'receivePurchaseOrder', input.key, input.documentId, input.warehouseId, lines, { ...input, lines }, (ctx) => {
    requireKnown(ctx, input.warehouseId, lines.map((l) => l.sku));
    const received = lines.map((l) => ({ warehouseId: input.warehouseId, sku: l.sku, quantity: l.quantity }));
    return {
      changes: received.map((a) => ({ ...a, kind: 'receipt', onHandDelta: a.quantity, reservedDelta: 0, onFail: 'stale', reason })),
      result: { received },
    };
  });
}

/** Holds the transfer's units at the source, all or nothing: INSUFFICIENT_STOCK when any line is not available. */
export function reserveTransfer(db: Db, input: { documentId: string; fromWarehouseId: string; lines: OrderLine[]; key: string }): Promise<{ reserved: Allocation[] }> {
  const lines = mergeLines(input.lines);
  return write(db, 'reserveTransfer', input.key, input.documentId, input.fromWarehouseId, lines, { ...input, lines }, (ctx) => {
    requireKnown(ctx, input.fromWarehouseId, lines.map((l) => l.sku));
    const reserved = lines.map((l) => ({ warehouseId: input.fromWarehouseId, sku: l.sku, quantity: l.quantity }));
    return {
      changes: reserved.map((a) => ({ ...a, kind: 'reserve', onHandDelta: 0, reservedDelta: a.quantity, onFail: 'insufficient', reason: input.documentId })),
      transitions: reserved.map((a) => ({ ...a, from: null, to: 'held' })),
      result: { reserved },
    };
  });
}

/** The parcel left: what the transfer holds leaves the source (on hand and reserved, `transfer_out`). */
export function shipTransfer(db: Db, input: { documentId: string; fromWarehouseId: string; lines: OrderLine[]; key: string }): Promise<{ shipped: Allocation[] }> {
  const lines = mergeLines(input.lines);
  return write(db, 'shipTransfer', input.key, input.documentId, input.fromWarehouseId, lines, { ...input, lines }, (ctx) => {
    const held = withStatus(ctx, 'held');
    return {
      changes: held.map((a) => ({ ...a, kind: 'transfer_out', onHandDelta: -a.quantity, reservedDelta: -a.quantity, onFail: 'stale', reason: input.documentId })),
      transitions: held.map((a) => ({ ...a, from: 'held', to: 'shipped' })),
      result: { shipped: held },
    };
  });
}

/** It arrived: the received units go on hand at the destination (`transfer_in`); lines of 0 move nothing. */
export function receiveTransfer(db: Db, input: { documentId: string; toWarehouseId: string; lines: OrderLine[]; key: string }): Promise<{ received: Allocation[] }> {
  const positive = input.lines.filter((l) => l.quantity > 0);
  const lines = positive.length > 0 ? mergeLines(positive) : [];
  return write(db, 'receiveTransfer', input.key, input.documentId, input.toWarehouseId, lines, { ...input, lines }, (ctx) => {
    requireKnown(ctx, input.toWarehouseId, lines.map((l) => l.sku));
    const received = lines.map((l) => ({ warehouseId: input.toWarehouseId, sku: l.sku, quantity: l.quantity }));
    return {
      changes: received.map((a) => ({ ...a, kind: 'transfer_in', onHandDelta: a.quantity, reservedDelta: 0, onFail: 'stale', reason: input.documentId })),
      result: { received },
    };
  });
}

/** Whatever the transfer still holds goes back to available (cancel, compensation). */
export function releaseTransfer(db: Db, input: { documentId: string; fromWarehouseId: string; lines: OrderLine[]; key: string }): Promise<{ released: Allocation[] }> {
  const lines = mergeLines(input.lines);
  return write(db, 'releaseTransfer', input.key, input.documentId, input.fromWarehouseId, lines, { ...input, lines }, (ctx) => {
    const held = withStatus(ctx, 'held');
    return {
      changes: held.map((a) => ({ ...a, kind: 'release', onHandDelta: 0, reservedDelta: -a.quantity, onFail: 'stale', reason: input.documentId })),
      transitions: held.map((a) => ({ ...a, from: 'held', to: 'released' })),
      result: { released: held },
    };
  });
}
