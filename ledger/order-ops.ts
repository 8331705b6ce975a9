import type { Knex } from 'knex';
import { unknownIn } from './context';
import type { LedgerContext } from './context';
import { LedgerError } from './errors';
import { requestHash } from './idempotency';
import { compareIds, mergeAllocations, mergeLines } from './lines';
import { optionalWarehouse, withOptions } from './options';
import { orderPosition, statusAfter, withStatus } from './position';
import { requireOrderId } from './reserve';
import type { ApplyPlan } from './store';
import type { Allocation, OrderLine } from './types';
import { requireKey, runWrite } from './write';

const atWarehouse = (warehouseId: string | undefined) => (a: Allocation) => warehouseId === undefined || a.warehouseId === warehouseId;

/**
 * Without a warehouse the order is given up: everything held is released and it awaits
 * nothing. At one warehouse (a rejected fulfillment) the order stays open with its
 * demand, so what was held there becomes its remainder for reserveMore to place again.
 */
export function planRelease(ctx: LedgerContext, warehouseId?: string): ApplyPlan {
  const held = withStatus(ctx, 'held').filter(atWarehouse(warehouseId));
  return {
    // A whole release is recorded even for an order the ledger has not seen, so a late
    // reserve reopens it knowingly; a closed order has nothing held and stays closed.
    // A partial one keeps the status but still bumps the version (plans race on it).
    orderStatus: warehouseId !== undefined ? ctx.order?.status : ctx.order?.status === 'closed' ? 'closed' : 'released',
    changes: held.map((a) => ({ ...a, kind: 'release', onHandDelta: 0, reservedDelta: -a.quantity, onFail: 'stale' })),
    transitions: held.map((a) => ({ ...a, from: 'held', to: 'released' })),
    result: { released: held },
  };
}

export function planShip(ctx: LedgerContext, warehouseId?: string): ApplyPlan {
  const held = withStatus(ctx, 'held');
  const shipping = held.filter(atWarehouse(warehouseId));
  const stillHeld = held.filter((a) => !atWarehouse(warehouseId)(a));
  const { remainder } = orderPosition(ctx, ctx.demand, ctx.order?.status === 'open');
  return {
    orderStatus: statusAfter(ctx.order?.status, stillHeld, remainder),
    changes: shipping.map((a) => ({ ...a, kind: 'ship', onHandDelta: -a.quantity, reservedDelta: -a.quantity, onFail: 'stale' })),
    transitions: shipping.map((a) => ({ ...a, from: 'held', to: 'shipped' })),
    result: { shipped: shipping },
  };
}

/** Returned units go back where they shipped from, warehouse by warehouse in id order. */
export function planRestock(ctx: LedgerContext, lines: OrderLine[], warehouseId?: string): ApplyPlan {
  const unknown = unknownIn(ctx, lines.map((l) => l.sku));
  if (unknown.length > 0) throw new LedgerError('UNKNOWN_SKU', `unknown sku: ${unknown.join(', ')}`, { skus: unknown });
  const returned = mergeAllocations(ctx.returned);
  const returnable = mergeAllocations(
    withStatus(ctx, 'shipped'),
    returned.map((r) => ({ ...r, quantity: -r.quantity })),
  )
    .filter(atWarehouse(warehouseId))
    .sort((a, b) => compareIds(a.warehouseId, b.warehouseId));

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
      const from = warehouseId === undefined ? '' : ` from ${warehouseId}`;
      throw new LedgerError('INVALID_QUANTITY', `cannot return ${line.quantity} of ${line.sku}: only ${returnableQty} shipped${from} and not yet returned`, {
        sku: line.sku,
        requested: line.quantity,
        returnable: returnableQty,
        ...(warehouseId === undefined ? {} : { warehouseId }),
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

export async function release(knex: Knex, orderId: string, key: string, opts?: { warehouseId?: string }): Promise<{ released: Allocation[] }> {
  requireOrderId(orderId);
  requireKey(key);
  const warehouseId = optionalWarehouse(opts);
  const hash = requestHash('release', withOptions({ orderId }, { warehouseId }));
  return runWrite(knex, { op: 'release', key, hash, orderId }, (ctx) => planRelease(ctx, warehouseId));
}

export async function ship(knex: Knex, orderId: string, key: string, opts?: { warehouseId?: string }): Promise<{ shipped: Allocation[] }> {
  requireOrderId(orderId);
  requireKey(key);
  const warehouseId = optionalWarehouse(opts);
  const hash = requestHash('ship', withOptions({ orderId }, { warehouseId }));
  return runWrite(knex, { op: 'ship', key, hash, orderId }, (ctx) => planShip(ctx, warehouseId));
}

export async function restock(
  knex: Knex,
  orderId: string,
  lines: OrderLine[],
  key: string,
  opts?: { warehouseId?: string },
): Promise<{ restocked: Allocation[] }> {
  requireOrderId(orderId);
  requireKey(key);
  const warehouseId = optionalWarehouse(opts);
  const merged = mergeLines(lines);
  const hash = requestHash('restock', withOptions({ orderId, lines: merged }, { warehouseId }));
  return runWrite(knex, { op: 'restock', key, hash, orderId, skus: merged.map((l) => l.sku) }, (ctx) => planRestock(ctx, merged, warehouseId));
}
