import type { Knex } from 'knex';
import { unknownIn } from './context';
import type { LedgerContext } from './context';
import { LedgerError } from './errors';
import { requestHash } from './idempotency';
import { compareIds, mergeAllocations, mergeLines } from './lines';
import { withStatus } from './position';
import { requireOrderId } from './reserve';
import type { ApplyPlan } from './store';
import type { Allocation, OrderLine } from './types';
import { requireKey, runWrite } from './write';

export function planRelease(ctx: LedgerContext): ApplyPlan {
  const held = withStatus(ctx, 'held');
  return {
    // Recorded even for an order the ledger has not seen, so a late reserve reopens it knowingly.
    orderStatus: 'released',
    changes: held.map((a) => ({ ...a, kind: 'release', onHandDelta: 0, reservedDelta: -a.quantity, onFail: 'stale' })),
    transitions: held.map((a) => ({ ...a, from: 'held', to: 'released' })),
    result: { released: held },
  };
}

export function planShip(ctx: LedgerContext): ApplyPlan {
  const held = withStatus(ctx, 'held');
  return {
    orderStatus: ctx.order?.status,
    changes: held.map((a) => ({ ...a, kind: 'ship', onHandDelta: -a.quantity, reservedDelta: -a.quantity, onFail: 'stale' })),
    transitions: held.map((a) => ({ ...a, from: 'held', to: 'shipped' })),
    result: { shipped: held },
  };
}

/** Returned units go back where they shipped from, warehouse by warehouse in id order. */
export function planRestock(ctx: LedgerContext, lines: OrderLine[]): ApplyPlan {
  const unknown = unknownIn(ctx, lines.map((l) => l.sku));
  if (unknown.length > 0) throw new LedgerError('UNKNOWN_SKU', `unknown sku: ${unknown.join(', ')}`, { skus: unknown });
  const returned = mergeAllocations(ctx.returned);
  const returnable = mergeAllocations(
    withStatus(ctx, 'shipped'),
    returned.map((r) => ({ ...r, quantity: -r.quantity })),
  ).sort((a, b) => compareIds(a.warehouseId, b.warehouseId));

  const restocked: Allocation[] = [];
  for (const line of lines) {
    let remaining = line.quantity;
    for (const r of returnable.filter((x) => x.sku === line.sku)) {
      const take = Math.min(remaining, r.quantity);
      if (take > 0) restocked.push({ warehouseId: r.warehouseId, sku: line.sku, quantity: take });
      remaining -= take;
    }
    if (remaining > 0) {
      const returnableQty = line.quantity - remaining;
      throw new LedgerError('INVALID_QUANTITY', `cannot return ${line.quantity} of ${line.sku}: only ${returnableQty} shipped and not yet returned`, {
        sku: line.sku,
        requested: line.quantity,
        returnable: returnableQty,
      });
    }
  }
  const result = { restocked: mergeAllocations(restocked) };
  return {
    // Bumps the order's version, so two restocks of one order cannot both pass the check above.
    orderStatus: ctx.order?.status,
    changes: result.restocked.map((a) => ({ ...a, kind: 'return', onHandDelta: a.quantity, reservedDelta: 0, onFail: 'stale' })),
    result,
  };
}

export async function release(knex: Knex, orderId: string, key: string): Promise<{ released: Allocation[] }> {
  requireOrderId(orderId);
  requireKey(key);
  return runWrite(knex, { op: 'release', key, hash: requestHash('release', { orderId }), orderId }, planRelease);
}

export async function ship(knex: Knex, orderId: string, key: string): Promise<{ shipped: Allocation[] }> {
  requireOrderId(orderId);
  requireKey(key);
  return runWrite(knex, { op: 'ship', key, hash: requestHash('ship', { orderId }), orderId }, planShip);
}

export async function restock(knex: Knex, orderId: string, lines: OrderLine[], key: string): Promise<{ restocked: Allocation[] }> {
  requireOrderId(orderId);
  requireKey(key);
  const merged = mergeLines(lines);
  const hash = requestHash('restock', { orderId, lines: merged });
  return runWrite(knex, { op: 'restock', key, hash, orderId, skus: merged.map((l) => l.sku) }, (ctx) => planRestock(ctx, merged));
}
