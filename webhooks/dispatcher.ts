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
 *
 * A receiver that is down pauses its whole subscription, not only the delivery that found
 * out (webhooks/claim.ts): while paused it is sent one probe per backoff step, with the
 * delivery policy's base and cap, and its backlog goes once a probe gets through.
 */
import { openSecret } from '../platform/secret-box';
import type { Knex } from 'knex';
import { DEFAULT_TIMEOUT_MS, publicReason, signedPost, type SignedPostResult } from '../integrations/signed-post';
import type { OutboundClient } from '../integrations/outbound-http';
import { afterFailure, DEFAULT_RETRY_POLICY, receiverDown, retryDelayMs, type RetryPolicy } from './backoff';
import { claimDue, recordAttempt, type Claimed } from './claim';
import type { WebhookEnvelope } from './event-types';

export type DispatcherLog = (level: 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface DispatcherOptions {
  knex: Knex;
  /** How often to look for due deliveries when the last pass found fewer than a batch. */
  pollIntervalMs: number;
  retry?: Partial<RetryPolicy>;
  /** Deliveries claimed per pass, and the most POSTs in flight at once. Default 20. */
  batchSize?: number;
  /**
   * The most deliveries of one subscription in flight at once (docs/design.md §20). Default 4: a
   * receiver that answers slowly holds a few of the batch's places, not all of them.
   */
  perSubscription?: number;
  /** The policed transport built from config.outbound; default development's (loopback allowed). */
  outbound?: OutboundClient;
  /** Per POST. Default 10 s (docs/design.md §10). */
  timeoutMs?: number;
  /** How long a claim is exclusive. Default timeout + 20 s. */
  leaseMs?: number;
  /**
   * Claim only these subscriptions' deliveries (default: all), read at every pass. For tests on
   * a shared database, where one suite's dispatchers would otherwise claim another's deliveries.
   */
  subscriptionIds?: readonly string[];
  log?: DispatcherLog;
  /** SECRETS_KEY: opens the subscriptions' sealed secrets (platform/secret-box.ts). */
  secretsKey?: Buffer;
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

const envelope = (c: Claimed): WebhookEnvelope => ({ id: c.event_id, type: c.type, createdAt: c.event_created_at.toISOString(), data: c.data });

export const DEFAULT_PER_SUBSCRIPTION = 4;

export function startDispatcher(options: DispatcherOptions): Dispatcher {
  const { knex } = options;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const batchSize = options.batchSize ?? 20;
  const perSubscription = Math.max(1, options.perSubscription ?? DEFAULT_PER_SUBSCRIPTION);
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
    // The delivery log is read by people who never saw the receiver: our reason, not its answer.
    const error = result.outcome === 'delivered' ? null : publicReason(result);
    // The subscription's pause grows with its failed rounds, as a delivery's wait does with its attempts.
    const pauseMs = receiverDown(result) ? retryDelayMs(c.failures + 1, policy) : null;
    await recordAttempt(knex, c, { result, status, nextAt, error, pauseMs });
  }

  async function deliver(c: Claimed): Promise<void> {
    let secret: string;
    try {
      secret = openSecret(c.secret, options.secretsKey);
    } catch (err) {
      // Nothing is sent unsigned: the attempt fails saying why, and is retried like any other.
      await record(c, { outcome: 'retryable', error: (err as Error).message, durationMs: 0 });
      return;
    }
    const result = await signedPost({ url: c.url, secret, id: c.event_id, body: envelope(c), timeoutMs, signal: abort.signal, client: options.outbound });
    if (abandon) return; // a simulated crash: the lease brings the delivery back
    try {
      await record(c, result);
    } catch (err) {
      // Unrecorded, the claim runs out and the delivery is sent again: at least once holds.
      log('error', 'could not record a delivery attempt', { deliveryId: c.id, err: (err as Error).message });
    }
  }

  async function runOnce(): Promise<number> {
    const rows = await claimDue(knex, { batchSize, perSubscription, leaseMs, subscriptionIds: options.subscriptionIds });
    await Promise.all(rows.map(deliver));
    return rows.length;
  }

  // The loop does not wait for a batch's slowest POST: one to a receiver that never answers
  // would hold every other subscription's deliveries for the whole timeout. At most a batch
  // is in flight; each pass claims what room is left.
  const inflight = new Set<Promise<void>>();
  let freed: (() => void) | undefined;
  async function claimIntoRoom(): Promise<boolean> {
    const room = batchSize - inflight.size;
    if (room <= 0) return false;
    const rows = await claimDue(knex, { batchSize: room, perSubscription, leaseMs, subscriptionIds: options.subscriptionIds });
    for (const c of rows) {
      const sending: Promise<void> = deliver(c).finally(() => {
        inflight.delete(sending);
        freed?.();
      });
      inflight.add(sending);
    }
    // Anything claimed: more may be due (a subscription at its cap has more the moment one of its deliveries ends).
    return rows.length > 0;
  }

  const loop = (async () => {
    while (running) {
      let more = false;
      try {
        more = await claimIntoRoom();
      } catch (err) {
        log('warn', 'delivery pass failed; trying again at the next interval', { err: (err as Error).message });
      }
      if (!running) break;
      // A claim that found deliveries means more may be due: go again as soon as one of those in
      // flight is answered (its room, and its subscription's, is free), or at the interval.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
        if (more) freed = wake;
        if (more && inflight.size === 0) wake();
      });
      wake = freed = undefined;
    }
    await Promise.all(inflight);
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
