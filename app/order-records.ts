/** The order records as every process uses them: each change emits its webhook events in the same transaction. */
import type { Knex } from 'knex';
import { createOrderRecords, type OrderRecords } from '../orders';
import { orderEventCandidates, orderEventsFor } from '../webhooks/order-events';
import { emitEvents } from '../webhooks/outbox';

export function createRecordsWithEvents(knex: Knex, cursorSecret: string): OrderRecords {
  return createOrderRecords(knex, {
    cursorSecret,
    onChange: async (trx, previous, next) => {
      await emitEvents(trx, orderEventsFor(previous, next));
    },
    saveEvents: orderEventCandidates,
  });
}
