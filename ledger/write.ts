import type { Knex } from 'knex';
import { replay } from './idempotency';
import { applyPlan, isKeyRace, isStale, readContext, readStored, translateError } from './store';
import type { ApplyOutcome, ApplyPlan } from './store';
import type { LedgerContext } from './context';

export interface WriteRequest {
  op: string;
  key: string;
  hash: string;
  orderId?: string;
  warehouseId?: string;
  skus?: string[];
}

/**
 * Plans from an unlocked read and applies with guards; a stale plan is made again. After
 * a few stale rounds (a SKU at the edge of running out under heavy contention) the
 * next attempts lock the order and balance rows before reading, so they cannot starve.
 * Those locked attempts claim the idempotency key after the balance rows, out of the
 * usual order; only a request reusing this key for another order could contend for it,
 * and Postgres would break that deadlock by failing one of the two.
 */
const OPTIMISTIC_ATTEMPTS = 4;
const MAX_ATTEMPTS = 12;

export function requireKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') throw new TypeError('an idempotency key is required');
}

/**
 * `fastPath` may do the whole write in one round trip; when it answers `fallback` (or its
 * plan went stale) the write is planned from a context read as usual.
 */
export async function runWrite<T>(
  knex: Knex,
  req: WriteRequest,
  plan: (ctx: LedgerContext, db: Knex | Knex.Transaction) => ApplyPlan | Promise<ApplyPlan>,
  fastPath?: () => Promise<ApplyOutcome | { fallback: true }>,
): Promise<T> {
  const once = async (db: Knex | Knex.Transaction, lock: boolean): Promise<T> => {
    const ctx = await readContext(db, { key: req.key, orderId: req.orderId, warehouseId: req.warehouseId, skus: req.skus, lock });
    if (ctx.stored) return replay<T>(req.key, req.op, req.hash, ctx.stored);
    const outcome = await applyPlan(
      db,
      { op: req.op, key: req.key, hash: req.hash, orderId: req.orderId, expectedVersion: ctx.order?.version ?? null },
      await plan(ctx, db),
    );
    return outcome.replay ? replay<T>(req.key, req.op, req.hash, outcome) : (outcome.result as T);
  };

  for (let attempt = 1; ; attempt++) {
    try {
      if (fastPath && attempt === 1) {
        const outcome = await fastPath();
        if ('fallback' in outcome) continue;
        return outcome.replay ? replay<T>(req.key, req.op, req.hash, outcome) : (outcome.result as T);
      }
      return attempt <= OPTIMISTIC_ATTEMPTS ? await once(knex, false) : await knex.transaction((trx) => once(trx, true));
    } catch (err) {
      if (isStale(err) && attempt < MAX_ATTEMPTS) continue;
      if (isKeyRace(err)) {
        const stored = await readStored(knex, req.key);
        if (stored) return replay<T>(req.key, req.op, req.hash, stored);
      }
      throw translateError(err);
    }
  }
}
