/** When a failed delivery is tried again, and when it is given up. Pure. */

export interface RetryPolicy {
  /** The first retry waits about this long (default 10 s). */
  baseDelayMs: number;
  /** No wait is longer (default 1 h). */
  maxDelayMs: number;
  /** Retries stop once this much time has passed since the delivery was queued (default 24 h). */
  horizonMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 10_000, maxDelayMs: 3_600_000, horizonMs: 86_400_000 };

/**
 * Exponential with "equal jitter": half the delay is fixed, half random, so a receiver
 * that comes back is not hit by every queued delivery in the same second, and no retry
 * comes sooner than half the nominal delay.
 */
export function retryDelayMs(attempts: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, Math.min(attempts - 1, 40)));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** The status after a failed attempt: `failed` when permanent or past the horizon, else pending at `nextAt`. */
export function afterFailure(
  input: { outcome: 'permanent' | 'retryable'; attempts: number; retryFrom: Date; now: Date },
  policy: RetryPolicy,
  random?: () => number,
): { status: 'failed' } | { status: 'pending'; nextAt: Date } {
  if (input.outcome === 'permanent') return { status: 'failed' };
  if (input.now.getTime() - input.retryFrom.getTime() >= policy.horizonMs) return { status: 'failed' };
  return { status: 'pending', nextAt: new Date(input.now.getTime() + retryDelayMs(input.attempts, policy, random)) };
}

/**
 * Whether an attempt says the receiver itself is down, which pauses its whole subscription
 * (webhooks/claim.ts). Any other answer comes from a receiver that is up and ends a pause:
 * a 4xx that fails the delivery rejects that one message, and so does a 409 (a conflict
 * over it), so neither should hold back the subscription's other deliveries.
 */
export function receiverDown(result: { outcome: 'delivered' | 'permanent' | 'retryable'; statusCode?: number }): boolean {
  return result.outcome === 'retryable' && result.statusCode !== 409;
}
