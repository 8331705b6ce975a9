/**
 * A write the route answered from the order's record — an idempotent repeat of POST /orders,
 * a repeated event — did no work beyond one read: the write limit (security-middleware.ts)
 * gives most of its cost back. Kept in `res.locals`, like the request context.
 */
import type { Response } from 'express';

const MARK = 'answeredFromRecord';

export function markAnsweredFromRecord(res: Response): void {
  res.locals[MARK] = true;
}

export const answeredFromRecord = (res: Response): boolean => res.locals[MARK] === true;
