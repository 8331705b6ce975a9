/**
 * The dispatcher's two statements: claiming due deliveries, and recording an attempt.
 *
 * Backoff is per delivery (its own next_attempt_at) and per subscription (migration 009):
 * once a receiver is down, its subscription is paused (retry_after) and nothing of it is
 * claimed; when the pause ends, one delivery goes as a probe, and the subscription's
 * backlog follows only once a probe gets through. So a dead receiver costs one attempt per
 * pause, however many events queue up for it, and no order's events cost it anything.
 */
import type { Knex } from 'knex';
import type { SignedPostResult } from '../integrations/signed-post';
import type { WebhookEventType } from './event-types';

export interface Claimed {
  id: string;
  lease_token: string;
  attempts: number;
  retry_from: Date;
  subscription_id: string;
  /** The subscription's failed rounds in a row when this was claimed (0: healthy). */
  failures: number;
  event_id: string;
  type: WebhookEventType;
  data: Record<string, unknown>;
  event_created_at: Date;
  url: string;
  secret: string;
}

/*
 * Subscriptions first, then each open one's due deliveries from its own index, so a paused
 * subscription's backlog is never even read. A healthy subscription offers up to a batch, a
 * failing one only its oldest due delivery: its probe. The lock is taken on the row itself,
 * after the choice (FOR UPDATE can't sit under the per-subscription LIMIT), with the due
 * test repeated there: a row a concurrent replica claimed meanwhile is skipped or fails the
 * recheck, and that replica's claim has also leased the subscription, so a failing
 * subscription sends one probe whatever the number of replicas. Requested redeliveries go
 * first, pause or not.
 */
const CLAIM_SQL = `
WITH open AS (
  SELECT s.id, s.failures,
         -- In flight: leased and not yet recorded (docs/design.md §20: a few per subscription).
         (SELECT count(*) FROM webhook_deliveries f
           WHERE f.subscription_id = s.id AND f.status = 'pending' AND f.next_attempt_at > now() AND f.lease_token IS NOT NULL) AS inflight
    FROM webhook_subscriptions s
   WHERE (s.retry_after IS NULL OR s.retry_after <= now())
     AND (?::jsonb IS NULL OR s.id IN (SELECT jsonb_array_elements_text(?::jsonb)))
), offered AS (
  SELECT o.id FROM open CROSS JOIN LATERAL (
    SELECT d.id FROM webhook_deliveries d
     WHERE d.subscription_id = open.id AND d.status = 'pending' AND d.next_attempt_at <= now()
     ORDER BY d.next_attempt_at, d.id
     LIMIT CASE WHEN open.failures = 0 THEN greatest(0, least(?::int, ?::int - open.inflight)) ELSE 1 END
  ) o
  UNION
  SELECT id FROM webhook_deliveries WHERE redelivery_requested AND status = 'pending' AND next_attempt_at <= now()
     AND (?::jsonb IS NULL OR subscription_id IN (SELECT jsonb_array_elements_text(?::jsonb)))
), due AS (
  SELECT d.id FROM webhook_deliveries d
   WHERE d.id = ANY (ARRAY(SELECT id FROM offered)) AND d.status = 'pending' AND d.next_attempt_at <= now()
   ORDER BY d.redelivery_requested DESC, d.next_attempt_at, d.id
   LIMIT ?
   FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE webhook_deliveries d
     SET next_attempt_at = now() + ? * interval '1 millisecond', lease_token = gen_random_uuid()
    FROM due
   WHERE d.id = due.id
  RETURNING d.id, d.lease_token, d.attempts, d.retry_from, d.subscription_id, d.event_id
), probing AS (
  -- The probe's lease: if this process dies mid-POST, the next probe goes when it runs out.
  UPDATE webhook_subscriptions SET retry_after = now() + ? * interval '1 millisecond'
   WHERE failures > 0 AND id IN (SELECT subscription_id FROM claimed)
)
SELECT c.id, c.lease_token, c.attempts, c.retry_from, c.subscription_id, s.failures,
       e.id AS event_id, e.type, e.data, e.created_at AS event_created_at, s.url, s.secret
  FROM claimed c JOIN webhook_events e ON e.id = c.event_id JOIN webhook_subscriptions s ON s.id = c.subscription_id`;

/*
 * The attempt is logged whoever holds the lease now; the delivery moves only under our token.
 * The subscription moves whoever holds the lease: its receiver's answer is news either way.
 * Down: only the first answer of a round counts (failures still what we claimed with), so a
 * batch that fails together pauses for one round, not twenty. Up: writes only a subscription
 * that was failing, so a healthy one's deliveries never touch its row.
 */
const RECORD_SQL = `
WITH r AS (
  SELECT ?::bigint AS id, ?::uuid AS token, ?::text AS subscription_id, ?::text AS status, ?::timestamptz AS next_at,
         ?::text AS outcome, ?::int AS status_code, ?::text AS error, ?::int AS duration_ms,
         ?::boolean AS down, ?::int AS claimed_failures, ?::float8 AS pause_ms
), delivery AS (
  UPDATE webhook_deliveries d
     SET status = r.status, attempts = d.attempts + 1, next_attempt_at = coalesce(r.next_at, d.next_attempt_at),
         last_status_code = r.status_code, last_error = r.error,
         delivered_at = CASE WHEN r.status = 'delivered' THEN now() ELSE d.delivered_at END,
         lease_token = NULL, redelivery_requested = false
    FROM r
   WHERE d.id = r.id AND d.lease_token = r.token
), subscription AS (
  UPDATE webhook_subscriptions s
     SET failures = CASE WHEN r.down THEN r.claimed_failures + 1 ELSE 0 END,
         retry_after = CASE WHEN r.down THEN now() + r.pause_ms * interval '1 millisecond' END
    FROM r
   WHERE s.id = r.subscription_id
     AND CASE WHEN r.down THEN s.failures <= r.claimed_failures ELSE s.failures > 0 OR s.retry_after IS NOT NULL END
)
INSERT INTO webhook_attempts (delivery_id, outcome, status_code, error, duration_ms)
SELECT r.id, r.outcome, r.status_code, r.error, r.duration_ms FROM r WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = r.id)`;

/**
 * `perSubscription`: the most deliveries of one subscription leased at once, counting the ones
 * already in flight. Replicas count each other's leases, but two claiming in the same instant
 * may each take the room left: the cap holds per claim, at worst times the replicas.
 */
export async function claimDue(knex: Knex, opts: { batchSize: number; perSubscription: number; leaseMs: number; subscriptionIds?: readonly string[] }): Promise<Claimed[]> {
  const only = opts.subscriptionIds ? JSON.stringify(opts.subscriptionIds) : null;
  const { rows } = await knex.raw<{ rows: Claimed[] }>(CLAIM_SQL, [only, only, opts.batchSize, opts.perSubscription, only, only, opts.batchSize, opts.leaseMs, opts.leaseMs]);
  return rows;
}

export interface AttemptRecord {
  result: SignedPostResult;
  status: 'delivered' | 'pending' | 'failed';
  /** The delivery's own next attempt, when pending. */
  nextAt: Date | null;
  error: string | null;
  /** Set when the answer says the receiver is down: the subscription's pause from now. */
  pauseMs: number | null;
}

export async function recordAttempt(knex: Knex, c: Claimed, a: AttemptRecord): Promise<void> {
  await knex.raw(RECORD_SQL, [
    c.id,
    c.lease_token,
    c.subscription_id,
    a.status,
    a.nextAt,
    a.result.outcome,
    a.result.statusCode ?? null,
    a.error,
    a.result.durationMs,
    a.pauseMs !== null,
    c.failures,
    a.pauseMs,
  ]);
}
