/**
 * Per-caller write budgets as token buckets: a caller may spend up to one minute's figure at
 * once, and the bucket refills at that figure per minute, smoothly. So a caller past its budget
 * is told to come back in about the time one write takes to refill (a second or two), not at
 * the end of a fixed window, and a steady integration at its figure is never refused. Pure:
 * the clock is passed in. In memory, per API replica (docs/rate-limits.md).
 */

export type Spend = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets unused this long are forgotten (they are full again by then anyway). */
const IDLE_MS = 60_000;
/** Past this many callers, forgotten buckets are swept on the next spend. */
const SWEEP_ABOVE = 10_000;

export class WriteBudgets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = Date.now) {}

  private current(key: string, perMinute: number, at: number): Bucket {
    const b = this.buckets.get(key);
    if (!b) return { tokens: perMinute, at };
    const refilled = b.tokens + ((at - b.at) * perMinute) / 60_000;
    return { tokens: Math.min(perMinute, refilled), at };
  }

  /** Takes `cost` from the caller's bucket, or answers when a write fits again. `perMinute` 0 = unlimited. */
  spend(key: string, perMinute: number, cost = 1): Spend {
    if (perMinute <= 0) return { ok: true, remaining: Infinity };
    const at = this.now();
    if (this.buckets.size > SWEEP_ABOVE) this.sweep(at);
    const b = this.current(key, perMinute, at);
    if (b.tokens >= cost) {
      b.tokens -= cost;
      this.buckets.set(key, b);
      return { ok: true, remaining: Math.floor(b.tokens) };
    }
    this.buckets.set(key, b);
    const waitMs = ((cost - b.tokens) * 60_000) / perMinute;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  /** Gives back part of a spend (a write that turned out to be a repeat answered from the record). */
  refund(key: string, perMinute: number, amount: number): void {
    if (perMinute <= 0 || amount <= 0) return;
    const at = this.now();
    const b = this.current(key, perMinute, at);
    b.tokens = Math.min(perMinute, b.tokens + amount);
    this.buckets.set(key, b);
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(at: number): void {
    for (const [key, b] of this.buckets) if (at - b.at > IDLE_MS) this.buckets.delete(key);
  }
}
