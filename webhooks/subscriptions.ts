/** Webhook subscriptions: who wants which event types at which URL. The secret leaves only on create. */
import { sealSecret } from '../platform/secret-box';
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { generateSecret } from '../integrations/signed-post';
import type { WebhookEventType } from './event-types';

export interface Subscription {
  id: string;
  url: string;
  events: WebhookEventType[];
  description?: string;
  createdAt: string;
  /** While its receiver is down: failed rounds in a row (a batch that failed together counts once). */
  consecutiveFailures?: number;
  /** While paused: nothing but a requested redelivery is sent before this; then one probe. */
  pausedUntil?: string;
}

interface Row {
  id: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  created_at: Date;
  failures?: number;
  paused_until?: Date | null;
}

const toSubscription = (r: Row): Subscription => ({
  id: r.id,
  url: r.url,
  events: r.events,
  ...(r.description === null ? {} : { description: r.description }),
  createdAt: r.created_at.toISOString(),
  ...(r.failures ? { consecutiveFailures: r.failures } : {}),
  ...(r.paused_until ? { pausedUntil: r.paused_until.toISOString() } : {}),
});

// A pause that has run out is no pause: the next due delivery goes (as a probe).
const columns = (knex: Knex) => ['id', 'url', 'events', 'description', 'created_at', 'failures', knex.raw('CASE WHEN retry_after > now() THEN retry_after END AS paused_until')];

export async function createSubscription(
  knex: Knex,
  input: { url: string; events: WebhookEventType[]; description?: string },
  /** SECRETS_KEY: the secret is stored sealed with it (docs/design.md §20). */
  secretsKey?: Buffer,
): Promise<Subscription & { secret: string }> {
  const id = `whk_${randomBytes(10).toString('hex')}`;
  const secret = generateSecret();
  const [row] = await knex('webhook_subscriptions')
    .insert({ id, url: input.url, events: [...new Set(input.events)], secret: sealSecret(secret, secretsKey), description: input.description ?? null })
    .returning<Row[]>(['id', 'url', 'events', 'description', 'created_at']);
  return { ...toSubscription(row), secret };
}

export async function listSubscriptions(knex: Knex): Promise<Subscription[]> {
  const rows = await knex('webhook_subscriptions').select<Row[]>(columns(knex)).orderBy([{ column: 'created_at' }, { column: 'id' }]);
  return rows.map(toSubscription);
}

export async function getSubscription(knex: Knex, id: string): Promise<Subscription | undefined> {
  const row = await knex('webhook_subscriptions').where({ id }).first<Row | undefined>(columns(knex));
  return row && toSubscription(row);
}

/**
 * Its deliveries and their log go with it (pending ones are then never sent). Deliveries
 * first: the dispatcher locks a delivery before its subscription (claim, record), and a
 * cascade from the subscription would take the two the other way round.
 */
export async function deleteSubscription(knex: Knex, id: string): Promise<boolean> {
  return knex.transaction(async (trx) => {
    await trx('webhook_deliveries').where({ subscription_id: id }).delete();
    return (await trx('webhook_subscriptions').where({ id }).delete()) > 0;
  });
}
