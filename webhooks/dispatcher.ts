/**
 * The outbox's read side: a loop (one per worker process, N replicas at once) that claims
 * due deliveries, POSTs them signed, and records every attempt.
 *
 * Claiming is one UPDATE over a `FOR UPDATE SKIP LOCKED` pick, so replicas never claim
 * the same row at the same time and never wait on each other. The claim pushes
 * next_attempt_at out by the lease (longer than the POST's timeout) and stamps a lease
 * token: if this process dies mid-POST the row is simply due again after the lease and
 * another replica sends it (at least once: receivers deduplicate by webhook-id). A result
 * is recorded only under the token that claimed it, so a late answer from a claim that
 * was taken over, or re-queued by hand, does not overwrite the newer state; its attempt
 * still goes in the log, because it happened.
 */
import type { Knex } from 'knex';
import { DEFAULT_TIMEOUT_MS, signedPost, type SignedPostResult } from '../integrations/signed-post';
import { afterFailure, DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff';
import type { WebhookEnvelope, WebhookEventType } from './event-types';

export type DispatcherLog = (level: 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface DispatcherOptions {
  knex: Knex;
  /** How often to look for due deliveries when the last pass found fewer than a batch. */
  pollIntervalMs: number;
  retry?: Partial<RetryPolicy>;
  /** Deliveries claimed (and POSTed concurrently) per pass. Default 20. */
  batchSize?: number;
  /** Per POST. Default 10 s (DESIGN §10). */
  timeoutMs?: number;
  /** How long a claim is exclusive. Default timeout + 20 s. */
  leaseMs?: number;
  log?: DispatcherLog;
}

export interface Dispatcher {
  /** One claim-and-deliver pass; resolves with how many deliveries it attempted. */
  runOnce(): Promise<number>;
  /**
   * Stops the loop. By default waits for the POSTs in flight and records them; with
   * `abort` it cancels them and records nothing — what a crash does, which tests use.
   */
  stop(opts?: { abort?: boolean }): Promise<void>;
}

interface Claimed {
  id: string;
  lease_token: string;
  attempts: number;
  retry_from: Date;
  event_id: string;
  type: WebhookEventType;
  data: Record<string, unknown>;
  event_created_at: Date;
  url: string;
  secret: string;
}

const CLAIM_SQL = `
WITH due AS (
  SELECT id FROM webhook_deliveries
   WHERE status = 'pending' AND next_attempt_at <= now()
   ORDER BY next_attempt_at
   LIMIT ?
   FOR UPDATE SKIP LOCKED
)
UPDATE webhook_deliveries d
   SET next_attempt_at = now() + ? * interval '1 millisecond', lease_token = gen_random_uuid()
  FROM due, webhook_events e, webhook_subscriptions s
 WHERE d.id = due.id AND e.id = d.event_id AND s.id = d.subscription_id
RETURNING d.id, d.lease_token, d.attempts, d.retry_from, e.id AS event_id, e.type, e.data, e.created_at AS event_created_at, s.url, s.secret`;

// The attempt is logged whoever holds the lease now; the state moves only under our token.
const RECORD_SQL = `
WITH upd AS (
  UPDATE webhook_deliveries
     SET status = ?, attempts = attempts + 1, next_attempt_at = coalesce(?::timestamptz, next_attempt_at),
         last_status_code = ?, last_error = ?, delivered_at = CASE WHEN ? = 'delivered' THEN now() ELSE delivered_at END,
         lease_token = NULL
   WHERE id = ? AND lease_token = ?
   RETURNING id
)
INSERT INTO webhook_attempts (delivery_id, outcome, status_code, error, duration_ms)
SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = ?)`;

const envelope = (c: Claimed): WebhookEnvelope => ({ id: c.event_id, type: c.type, createdAt: c.event_created_at.toISOString(), data: c.data });

const clip = (s: string | undefined, n: number) => (s === undefined ? null : s.length > n ? `${s.slice(0, n)}…` : s);

export function startDispatcher(options: DispatcherOptions): Dispatcher {
  const { knex } = options;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const batchSize = options.batchSize ?? 20;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const leaseMs = options.leaseMs ?? timeoutMs + 20_000;
  const log: DispatcherLog = options.log ?? ((level, message, fields) => console[level](`[webhooks] ${message}`, fields ?? ''));
  const abort = new AbortController();
  let running = true;
  let abandon = false;
  let wake: (() => void) | undefined;

  async function record(c: Claimed, result: SignedPostResult): Promise<void> {
    let status: 'delivered' | 'pending' | 'failed' = 'delivered';
    let nextAt: Date | null = null;
    if (result.outcome !== 'delivered') {
      const next = afterFailure({ outcome: result.outcome, attempts: c.attempts + 1, retryFrom: c.retry_from, now: new Date() }, policy);
      status = next.status;
      if (next.status === 'pending') nextAt = next.nextAt;
    }
    const error = result.outcome === 'delivered' ? null : clip(result.responseBody ? `${result.error}: ${result.responseBody}` : result.error, 500);
    const code = result.statusCode ?? null;
    await knex.raw(RECORD_SQL, [status, nextAt, code, error, status, c.id, c.lease_token, c.id, result.outcome, code, error, result.durationMs, c.id]);
  }

  async function deliver(c: Claimed): Promise<void> {
    const result = await signedPost({ url: c.url, secret: c.secret, id: c.event_id, body: envelope(c), timeoutMs, signal: abort.signal });
    if (abandon) return; // a simulated crash: the lease brings the delivery back
    try {
      await record(c, result);
    } catch (err) {
      // Unrecorded, the claim runs out and the delivery is sent again: at least once holds.
      log('error', 'could not record a delivery attempt', { deliveryId: c.id, err: (err as Error).message });
    }
  }

  async function runOnce(): Promise<number> {
    const { rows } = await knex.raw<{ rows: Claimed[] }>(CLAIM_SQL, [batchSize, leaseMs]);
    await Promise.all(rows.map(deliver));
    return rows.length;
  }

  const loop = (async () => {
    while (running) {
      let found = 0;
      try {
        found = await runOnce();
      } catch (err) {
        log('warn', 'delivery pass failed; trying again at the next interval', { err: (err as Error).message });
      }
      if (!running) break;
      // A full batch means more may be due: go again at once.
      if (found < batchSize) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.pollIntervalMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    }
  })();

  return {
    runOnce,
    async stop(opts = {}) {
      running = false;
      if (opts.abort) {
        abandon = true;
        abort.abort();
      }
      wake?.();
      await loop;
    },
  };
}
