/** The purchase-order and transfer records as every process uses them: each step's webhooks go out in its transaction. */
import type { Knex } from 'knex';
import { createPurchaseOrderRecords, createTransferRecords, type EmitDocumentEvents, type StockMotionRecords } from '../orders';
import type { WebhookEventType } from '../webhooks/event-types';
import { emitEvents } from '../webhooks/outbox';

export type { StockMotionRecords };

/** Document events into the webhook outbox, in the caller's transaction. */
export const emitDocumentEvents: EmitDocumentEvents = async (trx, events) => {
  await emitEvents(
    trx,
    events.map((e) => ({ type: e.type as WebhookEventType, data: e.data, id: e.id })),
  );
};

export function createStockMotionRecords(knex: Knex, cursorSecret: string): StockMotionRecords {
  const emit = emitDocumentEvents;
  return { purchaseOrders: createPurchaseOrderRecords(knex, { cursorSecret, emit }), transfers: createTransferRecords(knex, { cursorSecret, emit }) };
}
