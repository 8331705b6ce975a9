import type { Knex } from 'knex';
import type { GatedEvent } from './event-gates';
/** The order record as the rest of the system sees it. No runtime imports. */
import type { OrderStatus, OrderView } from '../domain/types';

export interface OrderRecord {
  orderId: string;
  /** Canonical hash of the accepted request; absent only when the workflow wrote the record first (an order older than records). */
  requestHash?: string;
  view: OrderView;
  workflowId: string;
  runId?: string;
  /** 0 as accepted at intake; the workflow's saves count up from 1. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface AcceptInput {
  orderId: string;
  requestHash: string;
  view: OrderView;
  workflowId: string;
  /** POST /orders' Idempotency-Key: claimed for this order id in the same transaction, or IdempotencyKeyConflictError when another order holds it. */
  idempotencyKey?: string;
}

export interface AcceptResult {
  /** false: the id was taken before; `record` is the existing one (compare its requestHash). */
  created: boolean;
  record: OrderRecord;
}

export interface SaveMeta {
  /** Applied only when greater than the stored version, so a retried or late write of an older view changes nothing. */
  version: number;
  runId?: string;
  /** Fills in a record that has no hash yet (never replaces one). */
  requestHash?: string;
}

export interface OrderRecordFilters {
  /** One status or any of several. */
  status?: OrderStatus | readonly OrderStatus[];
  customerId?: string;
  sku?: string;
  channel?: string;
  warehouseId?: string;
  /** Only orders with a fulfillment (in any status) at this warehouse: what a warehouse key may read. */
  fulfilledAt?: string;
  /** Inclusive. */
  createdAfter?: Date;
  /** Exclusive. */
  createdBefore?: Date;
  /** ISO 8601 (UTC, as the API normalises it): only open orders (not shipped, not closed) due before this (docs/design.md §17). */
  shipByBefore?: string;
}

export interface OrderRecordPageRequest {
  limit: number;
  /** The previous page's nextCursor. */
  cursor?: string;
}

export interface OrderRecordPage {
  orders: OrderRecord[];
  /** Present only when more orders follow. */
  nextCursor?: string;
}

export interface OrderRecords {
  accept(input: AcceptInput): Promise<AcceptResult>;
  save(view: OrderView, meta: SaveMeta): Promise<boolean>;
  get(orderId: string): Promise<OrderRecord | undefined>;
  /**
   * Read-modify-write of one record under its row lock, for writers other than the order's
   * workflow (returns, after it closed): `change` sees the current record and answers the next
   * view (or none: nothing is written) and a result; the version becomes current + 1 and the
   * change's events commit with it. `trx` is the transaction, for writes that belong with it.
   */
  mutate<T>(orderId: string, change: (record: OrderRecord, trx: Knex.Transaction) => Promise<{ next?: OrderView; result: T }>): Promise<MutateResult<T>>;
  list(filters: OrderRecordFilters, page: OrderRecordPageRequest): Promise<OrderRecordPage>;
  /** Records the workflow run the record belongs to; false when there is no such record. */
  setRun(orderId: string, runId: string): Promise<boolean>;
  /** The recorded status of each of these orders that has a record. */
  statuses(orderIds: readonly string[]): Promise<Map<string, OrderStatus>>;
}

export type MutateResult<T> = { found: false } | { found: true; changed: boolean; result: T };

export interface OrderRecordsOptions {
  /** Signs list cursors; at least 16 bytes. */
  cursorSecret: string | Buffer;
  /**
   * Runs in the transaction of an intake (`previous` undefined) or a mutate that changed the
   * record: what follows from the change (webhook events) commits with it or not at all.
   */
  onChange?: (trx: Knex.Transaction, previous: OrderView | undefined, next: OrderView) => Promise<void>;
  /**
   * What follows from a save, which does not read the view it replaces: every event the new
   * view could imply, with its gate; the database emits those new against the stored view.
   */
  saveEvents?: (next: OrderView) => GatedEvent[];
}

export const MAX_LIST_LIMIT = 1000;
