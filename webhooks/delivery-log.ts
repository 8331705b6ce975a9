/** The delivery log of a subscription, its attempts, and redelivery. */
import type { Knex } from 'knex';
import type { WebhookEventType } from './event-types';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Delivery {
  id: string;
  eventId: string;
  type: WebhookEventType;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode?: number;
  lastError?: string;
  createdAt: string;
  deliveredAt?: string;
  nextAttemptAt?: string;
}

export interface Attempt {
  at: string;
  outcome: 'delivered' | 'permanent' | 'retryable';
  statusCode?: number;
  error?: string;
  durationMs?: number;
}

interface Row {
  id: string;
  event_id: string;
  type: WebhookEventType;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
  next_attempt_at: Date;
}

const toDelivery = (r: Row): Delivery => ({
  id: String(r.id),
  eventId: r.event_id,
  type: r.type,
  status: r.status,
  attempts: r.attempts,
  ...(r.last_status_code === null ? {} : { lastStatusCode: r.last_status_code }),
  ...(r.last_error === null ? {} : { lastError: r.last_error }),
  createdAt: r.created_at.toISOString(),
  ...(r.delivered_at === null ? {} : { deliveredAt: r.delivered_at.toISOString() }),
  ...(r.status === 'pending' ? { nextAttemptAt: r.next_attempt_at.toISOString() } : {}),
});

const COLUMNS = ['d.id', 'd.event_id', 'e.type', 'd.status', 'd.attempts', 'd.last_status_code', 'd.last_error', 'd.created_at', 'd.delivered_at', 'd.next_attempt_at'];

/** Newest first; `next` is the cursor of the following (older) page. */
export async function listDeliveries(
  knex: Knex,
  subscriptionId: string,
  page: { limit: number; before?: string; eventId?: string },
): Promise<{ deliveries: Delivery[]; next?: string }> {
  const q = knex('webhook_deliveries as d')
    .join('webhook_events as e', 'e.id', 'd.event_id')
    .select<Row[]>(COLUMNS)
    .where('d.subscription_id', subscriptionId)
    .orderBy('d.id', 'desc')
    .limit(page.limit + 1);
  if (page.before !== undefined) q.where('d.id', '<', page.before);
  if (page.eventId !== undefined) q.where('d.event_id', page.eventId);
  const rows = await q;
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  return { deliveries: shown.map(toDelivery), ...(more ? { next: String(shown[shown.length - 1].id) } : {}) };
}

export async function deliveryAttempts(knex: Knex, deliveryId: string): Promise<Attempt[]> {
  const rows = await knex('webhook_attempts')
    .select<Array<{ at: Date; outcome: Attempt['outcome']; status_code: number | null; error: string | null; duration_ms: number | null }>>('at', 'outcome', 'status_code', 'error', 'duration_ms')
    .where({ delivery_id: deliveryId })
    .orderBy('id');
  return rows.map((r) => ({
    at: r.at.toISOString(),
    outcome: r.outcome,
    ...(r.status_code === null ? {} : { statusCode: r.status_code }),
    ...(r.error === null ? {} : { error: r.error }),
    ...(r.duration_ms === null ? {} : { durationMs: r.duration_ms }),
  }));
}

/**
 * Due now, under the same event id (so the same `webhook-id`), with a fresh retry
 * horizon. Clearing the lease token means a dispatcher still holding an older claim
 * cannot overwrite what the redelivery records. Requested, it goes before the rest of its
 * subscription's backlog and past a pause: an operator who asks wants it tried now, most
 * often after fixing the receiver, and its answer then ends or extends the pause.
 */
export async function redeliver(knex: Knex, subscriptionId: string, deliveryId: string): Promise<Delivery | undefined> {
  if (!/^[1-9][0-9]{0,18}$/.test(deliveryId)) return undefined;
  const updated = await knex('webhook_deliveries')
    .where({ id: deliveryId, subscription_id: subscriptionId })
    .update({ status: 'pending', next_attempt_at: knex.fn.now(), retry_from: knex.fn.now(), lease_token: null, delivered_at: null, redelivery_requested: true })
    .returning('id');
  if (updated.length === 0) return undefined;
  const row = await knex('webhook_deliveries as d').join('webhook_events as e', 'e.id', 'd.event_id').where('d.id', deliveryId).first<Row>(COLUMNS);
  return toDelivery(row);
}
