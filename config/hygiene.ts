/**
 * AUTH_FAILURES_PER_MINUTE (docs/design.md §20, "Hygiene"): its zod schema, merged into
 * config/config.ts's one schema. Nothing here reads the environment.
 */
import { z } from 'zod';

export const HYGIENE_SHAPE = { AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(0).optional() };

/** Failed authentications per client address per minute: default 30 (0 under NODE_ENV=test, whose suites fail on purpose); 0 = unlimited. */
export function authFailuresPerMinute(e: { NODE_ENV: string; AUTH_FAILURES_PER_MINUTE?: number }): number {
  return e.AUTH_FAILURES_PER_MINUTE ?? (e.NODE_ENV === 'test' ? 0 : 30);
}
