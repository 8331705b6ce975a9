/**
 * How long a polite client waits before it sends a refused request again (docs/rate-limits.md):
 * the server's `Retry-After` when it gave one (seconds, or an HTTP date), else an exponential
 * backoff; with jitter either way, so refused clients do not come back in step. Pure.
 */

/** `Retry-After` in milliseconds from `nowMs`, or undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined | null, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its weekday and month; anything else (a negative number…) is unreadable.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

export interface Backoff {
  /** First wait without a Retry-After (default 250 ms), doubled per attempt up to `maxMs` (default 10 s). */
  baseMs?: number;
  maxMs?: number;
  /** A number in [0, 1): the jitter's source. */
  random: () => number;
}

/** The wait before attempt `attempt + 1` (attempt counts from 0): Retry-After plus up to 20% more, or base·2^attempt, half of it jitter. */
export function politeWaitMs(attempt: number, retryAfter: number | undefined, b: Backoff): number {
  if (retryAfter !== undefined) return Math.round(retryAfter * (1 + 0.2 * b.random()));
  const nominal = Math.min(b.maxMs ?? 10_000, (b.baseMs ?? 250) * 2 ** Math.min(attempt, 20));
  return Math.round(nominal / 2 + (nominal / 2) * b.random());
}

/** Answers worth sending again after a wait: throttled, unavailable, or no answer at all (0). */
export const isTransient = (status: number): boolean => status === 429 || status === 503 || status === 502 || status === 504 || status === 0;
