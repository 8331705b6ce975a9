/**
 * The outbox's write side. emitEvent runs on whatever knex it is handed — pass the
 * transaction of the record or ledger change the event describes, so the event and its
 * deliveries commit or roll back with it. Delivery happens later, in the dispatcher, so
 * no caller ever waits for a subscriber.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { isWebhookEventType, type WebhookEventType } from './event-types';

export interface EmitInput {
  type: WebhookEventType;
  data: Record<string, unknown>;
  /**
   * Makes the emit idempotent: a second emit with the same id changes nothing. Derive it
   * from what happened (order id + step), so a retried activity emits once. Default random.
   */
  id?: string;
}

export const EVENT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,200}$/;

/** `evt_` + a SHA-256 prefix of `parts`: a stable event id for one fact. */
export function eventIdOf(...parts: Array<string | number>): string {
  return `evt_${createHash('sha256').update(parts.join(':')).digest('hex').slice(0, 32)}`;
}

/** Inserts the event and one pending delivery per subscription to its type. False when the id was emitted before. */
export async function emitEvent(db: Knex | Knex.Transaction, input: EmitInput): Promise<{ id: string; emitted: boolean }> {
  if (!isWebhookEventType(input.type)) throw new TypeError(`unknown webhook event type "${String(input.type)}"`);
  const id = input.id ?? `evt_${randomUUID().replace(/-/g, '')}`;
  if (!EVENT_ID_PATTERN.test(id)) throw new TypeError('an event id is 1-200 characters: letters, digits, "_", ".", ":" or "-"');
  const { rows } = await db.raw<{ rows: Array<{ emitted: boolean }> }>('SELECT webhook_emit(?, ?::jsonb, ?) AS emitted', [input.type, JSON.stringify(input.data), id]);
  return { id, emitted: rows[0].emitted };
}

/** Several events in one round trip (inside the caller's transaction), in the given order. */
export async function emitEvents(db: Knex | Knex.Transaction, inputs: readonly EmitInput[]): Promise<Array<{ id: string; emitted: boolean }>> {
  if (inputs.length === 0) return [];
  if (inputs.length === 1) return [await emitEvent(db, inputs[0])];
  const events = inputs.map((input) => {
    if (!isWebhookEventType(input.type)) throw new TypeError(`unknown webhook event type "${String(input.type)}"`);
    const id = input.id ?? `evt_${randomUUID().replace(/-/g, '')}`;
    if (!EVENT_ID_PATTERN.test(id)) throw new TypeError('an event id is 1-200 characters: letters, digits, "_", ".", ":" or "-"');
    return { type: input.type, data: input.data, id };
  });
  const { rows } = await db.raw<{ rows: Array<{ emitted: boolean }> }>(
    'SELECT webhook_emit(e.type, e.data, e.id) AS emitted FROM jsonb_to_recordset(?::jsonb) AS e(type text, data jsonb, id text)',
    [JSON.stringify(events)],
  );
  return events.map((e, i) => ({ id: e.id, emitted: rows[i]?.emitted ?? false }));
}
