/**
 * The write rate limits per kind of caller (docs/rate-limits.md): their zod schemas, merged
 * into config/config.ts's one schema, and the derived section of the Config. A warehouse or a
 * channel reporting a wave of events is the normal peak of this system, so `system` keys get a
 * budget far above the people-facing roles'. Nothing here reads the environment.
 */
import { z } from 'zod';

/** Who a write is counted for: a key's role (config.ts Role), or `anonymous` (no valid key while keys are on). */
export type RateClass = 'system' | 'support' | 'ops' | 'admin' | 'anonymous';
export const RATE_CLASSES: readonly RateClass[] = ['system', 'support', 'ops', 'admin', 'anonymous'];

/**
 * Write requests per minute per caller, by class. System keys carry the integrations (event
 * waves, re-sent orders): 200 a second sustained. People and tools get 10 a second; admin a
 * little more for catalog and stock imports.
 */
export const DEFAULT_WRITES_PER_MINUTE: Readonly<Record<RateClass, number>> = {
  system: 12_000,
  support: 600,
  ops: 600,
  admin: 1_200,
  anonymous: 600,
};

/** A write answered from the record (an idempotent repeat) costs this share of a write. */
export const REPEAT_COST = 0.01;

export interface RateLimitConfig {
  /** Writes (POST/PUT/PATCH/DELETE) per minute per caller, by class; 0 = unlimited for that class. */
  writesPerMinute: Record<RateClass, number>;
  /** Share of a write a repeat answered from the record costs. */
  repeatCost: number;
}

const perMinute = z.coerce
  .number({ error: 'must be a whole number of requests per minute (0 = unlimited)' })
  .int('must be a whole number of requests per minute')
  .min(0, 'must be 0 (unlimited) or more')
  .max(10_000_000, 'must be at most 10,000,000')
  .optional();

export const RATE_LIMIT_SHAPE = {
  /** The former single figure: when set, the default of every class below that is not set. */
  RATE_LIMIT_WRITES_PER_MINUTE: perMinute,
  RATE_LIMIT_SYSTEM_PER_MINUTE: perMinute,
  RATE_LIMIT_SUPPORT_PER_MINUTE: perMinute,
  RATE_LIMIT_OPS_PER_MINUTE: perMinute,
  RATE_LIMIT_ADMIN_PER_MINUTE: perMinute,
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: perMinute,
};

export type RateLimitInput = { [K in keyof typeof RATE_LIMIT_SHAPE]?: number };

const VARIABLE: Record<RateClass, keyof typeof RATE_LIMIT_SHAPE> = {
  system: 'RATE_LIMIT_SYSTEM_PER_MINUTE',
  support: 'RATE_LIMIT_SUPPORT_PER_MINUTE',
  ops: 'RATE_LIMIT_OPS_PER_MINUTE',
  admin: 'RATE_LIMIT_ADMIN_PER_MINUTE',
  anonymous: 'RATE_LIMIT_ANONYMOUS_PER_MINUTE',
};

/** The variable that sets a class's figure (for messages and docs). */
export const rateLimitVariable = (c: RateClass): string => VARIABLE[c];

export function rateLimitConfig(e: RateLimitInput): RateLimitConfig {
  const writesPerMinute = Object.fromEntries(
    RATE_CLASSES.map((c) => [c, e[VARIABLE[c]] ?? e.RATE_LIMIT_WRITES_PER_MINUTE ?? DEFAULT_WRITES_PER_MINUTE[c]]),
  ) as Record<RateClass, number>;
  return { writesPerMinute, repeatCost: REPEAT_COST };
}
