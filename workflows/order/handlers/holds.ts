/** Holds: placing one (idempotent on holdId), releasing it by hand or when its `until` passes. */
import { condition } from '@temporalio/workflow';
import { INVALID_EVENT, TOO_MANY_HOLDS, UNKNOWN_HOLD } from '../../../domain/failure-types';
import { MAX_HOLDS_PER_ORDER } from '../../../domain/principal';
import { holdFits, isTerminal, releaseFits } from '../../../domain/order-rules';
import { HOLD_REASONS, type Hold, type HoldRequest, type ReleaseHoldRequest } from '../../../domain/types';
import { invalidTransition, refusal } from '../failures';
import { nowIso, type OrderState } from '../state';
import { refresh } from '../visibility';
import { closingOrPending } from './lifecycle';

/**
 * `limit`: refuse a hold beyond MAX_HOLDS_PER_ORDER (docs/design.md §20). The Update's validator
 * always asks (validators do not run on replay); the handler does not (the validator already
 * refused); the signal asks behind patched() so a history that placed more replays as it ran.
 */
export function checkHold(s: OrderState, req: HoldRequest, limit: () => boolean = () => false): Hold | undefined {
  if (!req || typeof req.holdId !== 'string' || req.holdId === '') throw refusal(INVALID_EVENT, 'a hold needs a holdId');
  const existing = s.view.holds.find((h) => h.holdId === req.holdId);
  if (existing) return existing;
  if (s.view.holds.length >= MAX_HOLDS_PER_ORDER && limit()) {
    throw refusal(TOO_MANY_HOLDS, `order ${s.id} has had ${s.view.holds.length} holds: at most ${MAX_HOLDS_PER_ORDER} over its life`, { limit: MAX_HOLDS_PER_ORDER });
  }
  if (!HOLD_REASONS.includes(req.reason)) throw refusal(INVALID_EVENT, `hold reason must be one of ${HOLD_REASONS.join(', ')}`);
  if (req.until !== undefined && Number.isNaN(Date.parse(req.until))) throw refusal(INVALID_EVENT, 'until must be an ISO date-time');
  if (!holdFits(s.view.status, { closing: closingOrPending(s) })) throw invalidTransition('hold', s.view.status, 'holds are accepted before shipping');
  return undefined;
}

export function placeHold(s: OrderState, req: HoldRequest): Hold {
  const existing = checkHold(s, req);
  if (existing) return existing;
  const hold: Hold = {
    holdId: req.holdId,
    reason: req.reason,
    placedAt: nowIso(),
    ...(req.note ? { note: req.note } : {}),
    ...(req.until ? { until: req.until } : {}),
    ...(req.placedBy ? { placedBy: req.placedBy } : {}),
  };
  s.view.holds.push(hold);
  refresh(s, `hold ${hold.reason} placed${hold.note ? `: ${hold.note}` : ''}`);
  if (hold.until !== undefined) void releaseAtUntil(s, hold);
  return hold;
}

/** A hold with `until` releases itself then (a durable timer; a release by hand ends it sooner). */
async function releaseAtUntil(s: OrderState, hold: Hold): Promise<void> {
  const ms = Date.parse(hold.until!) - Date.now();
  if (ms > 0) await condition(() => hold.releasedAt !== undefined || isTerminal(s.view.status), ms, { summary: `hold ${hold.reason} until` });
  if (hold.releasedAt === undefined && !isTerminal(s.view.status)) releaseHold(s, hold, 'until');
}

export function releaseHold(s: OrderState, hold: Hold, by: NonNullable<Hold['releasedBy']>): void {
  hold.releasedAt = nowIso();
  hold.releasedBy = by;
  refresh(s, `hold ${hold.reason} released${by === 'until' ? ' (until reached)' : ''}`);
}

export function checkRelease(s: OrderState, req: ReleaseHoldRequest): Hold {
  const hold = s.view.holds.find((h) => h.holdId === req?.holdId);
  if (!hold) throw refusal(UNKNOWN_HOLD, `order ${s.id} has no hold ${String(req?.holdId)}`, { holdId: req?.holdId });
  if (hold.releasedAt === undefined && !releaseFits(s.view.status, { closing: s.closing })) throw invalidTransition('release', s.view.status);
  return hold;
}
