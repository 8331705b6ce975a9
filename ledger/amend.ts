import type { Knex } from 'knex';
import { allocate } from './allocate';
import { stockFromContext, unknownIn } from './context';
import type { LedgerContext } from './context';
import { LedgerError } from './errors';
import { requestHash } from './idempotency';
import { compareIds, mergeAllocations, mergeLines, sumBySku } from './lines';
import { excludedWarehouses, withOptions } from './options';
import { statusAfter, withStatus } from './position';
import { requireOrderId } from './reserve';
import type { ApplyPlan } from './store';
import type { Allocation, AmendResult, OrderLine } from './types';
import { requireKey, runWrite } from './write';

/**
 * Which held units of one SKU an edit gives back: from the least wanted warehouse first
 * (highest priority number, ties the larger id), so the order keeps the fewest and best
 * warehouses. A warehouse missing from the context's levels is inactive: it goes first.
 */
function releaseExcess(ctx: LedgerContext, held: readonly Allocation[], excess: number): Allocation[] {
  const priority = new Map(ctx.levels.map((l) => [l.warehouseId, l.priority]));
  const rank = (id: string) => priority.get(id) ?? Number.POSITIVE_INFINITY;
  const worstFirst = [...held].sort((a, b) => rank(b.warehouseId) - rank(a.warehouseId) || compareIds(b.warehouseId, a.warehouseId));
  const released: Allocation[] = [];
  let remaining = excess;
  for (const a of worstFirst) {
    if (remaining === 0) break;
    const take = Math.min(remaining, a.quantity);
    released.push({ warehouseId: a.warehouseId, sku: a.sku, quantity: take });
    remaining -= take;
  }
  return released;
}

/**
 * The order's demand becomes exactly `lines`; per SKU only the difference moves: held
 * units above the new demand are released, missing ones held where available (never at
 * `exclude`) or backordered. Shipped units cannot be taken back by an edit.
 */
export function planAmend(ctx: LedgerContext, lines: OrderLine[], exclude: readonly string[]): ApplyPlan {
  const unknown = unknownIn(ctx, lines.map((l) => l.sku));
  if (unknown.length > 0) throw new LedgerError('UNKNOWN_SKU', `unknown sku: ${unknown.join(', ')}`, { skus: unknown });
  // An order the ledger does not hold open is placed afresh, as reserve() would.
  if (ctx.order?.status !== 'open' && !ctx.hasActiveWarehouse) throw new LedgerError('NO_ACTIVE_WAREHOUSE', 'no warehouse is active');

  const held = withStatus(ctx, 'held');
  const shipped = sumBySku(withStatus(ctx, 'shipped'));
  const heldBySku = sumBySku(held);
  const wanted = new Map(lines.map((l) => [l.sku, l.quantity]));
  const skus = [...new Set([...wanted.keys(), ...heldBySku.keys(), ...shipped.keys()])].sort(compareIds);

  const released: Allocation[] = [];
  const missing: OrderLine[] = [];
  for (const sku of skus) {
    const want = wanted.get(sku) ?? 0;
    const gone = shipped.get(sku) ?? 0;
    if (want < gone) {
      throw new LedgerError('INVALID_QUANTITY', `cannot lower ${sku} to ${want}: ${gone} already shipped`, { sku, requested: want, shipped: gone });
    }
    const covered = gone + (heldBySku.get(sku) ?? 0);
    if (covered > want) released.push(...releaseExcess(ctx, held.filter((a) => a.sku === sku), covered - want));
    if (covered < want) missing.push({ sku, quantity: want - covered });
  }

  const plan = allocate(missing, stockFromContext(ctx, new Set(exclude)));
  const stillHeld = mergeAllocations(held, released.map((r) => ({ ...r, quantity: -r.quantity })));
  const heldAfter = mergeAllocations(stillHeld, plan.allocations);
  const result: AmendResult = {
    allocations: mergeAllocations(heldAfter, withStatus(ctx, 'shipped')),
    backordered: plan.backordered,
    released: mergeAllocations(released),
    reserved: plan.allocations,
  };
  return {
    orderStatus: statusAfter('open', heldAfter, plan.backordered),
    demand: lines,
    changes: [
      ...result.released.map((a) => ({ ...a, kind: 'release' as const, onHandDelta: 0, reservedDelta: -a.quantity, onFail: 'stale' as const })),
      ...plan.allocations.map((a) => ({ ...a, kind: 'reserve' as const, onHandDelta: 0, reservedDelta: a.quantity, onFail: 'stale' as const })),
    ],
    transitions: [
      ...result.released.map((a) => ({ ...a, from: 'held' as const, to: 'released' as const })),
      ...plan.allocations.map((a) => ({ ...a, from: null, to: 'held' as const })),
    ],
    backorderedSkus: plan.backordered.map((b) => b.sku),
    backorderExclude: [...exclude],
    result,
  };
}

export async function amend(knex: Knex, orderId: string, lines: OrderLine[], key: string, opts?: { exclude?: string[] }): Promise<AmendResult> {
  requireOrderId(orderId);
  requireKey(key);
  const merged = mergeLines(lines);
  const exclude = excludedWarehouses(opts);
  const hash = requestHash('amend', withOptions({ orderId, lines: merged }, { exclude }));
  return runWrite(knex, { op: 'amend', key, hash, orderId, skus: merged.map((l) => l.sku) }, (ctx) => planAmend(ctx, merged, exclude));
}
