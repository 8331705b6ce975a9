/**
 * A customer return received after delivery (docs/design.md §13): the restocked units go back on hand
 * at the warehouse that received the parcel, which need not be the one that shipped them.
 */
import type { Knex } from 'knex';
import type { LedgerContext } from './context';
import { unknownIn } from './context';
import { LedgerError } from './errors';
import { requestHash } from './idempotency';
import { mergeLines, sumBySku } from './lines';
import { withStatus } from './position';
import { requireOrderId } from './reserve';
import type { ApplyPlan } from './store';
import type { OrderLine, ReceiveReturnInput, ReceiveReturnResult } from './types';
import { requireKey, runWrite } from './write';

/**
 * The cap is per SKU across warehouses (shipped minus every `return` movement of the order),
 * not per warehouse: a parcel may come back anywhere.
 */
export function planReceiveReturn(ctx: LedgerContext, input: { returnId: string; warehouseId: string; lines: OrderLine[] }): ApplyPlan {
  if (!ctx.warehouse) throw new LedgerError('UNKNOWN_WAREHOUSE', `unknown warehouse: ${input.warehouseId}`, { warehouseId: input.warehouseId });
  const unknown = unknownIn(ctx, input.lines.map((l) => l.sku));
  if (unknown.length > 0) throw new LedgerError('UNKNOWN_SKU', `unknown sku: ${unknown.join(', ')}`, { skus: unknown });
  const shipped = sumBySku(withStatus(ctx, 'shipped'));
  const returned = sumBySku(ctx.returned);
  for (const line of input.lines) {
    const returnable = (shipped.get(line.sku) ?? 0) - (returned.get(line.sku) ?? 0);
    if (line.quantity > returnable) {
      throw new LedgerError('INVALID_QUANTITY', `cannot restock ${line.quantity} of ${line.sku}: only ${Math.max(0, returnable)} shipped and not yet returned`, {
        sku: line.sku,
        requested: line.quantity,
        returnable: Math.max(0, returnable),
      });
    }
  }
  const restocked = input.lines.map((l) => ({ warehouseId: input.warehouseId, sku: l.sku, quantity: l.quantity }));
  return {
    // Bumps the order's version, so two receipts of one order cannot both pass the cap above.
    orderStatus: ctx.order?.status,
    changes: restocked.map((a) => ({ ...a, kind: 'return', onHandDelta: a.quantity, reservedDelta: 0, onFail: 'stale', reason: `return ${input.returnId}` })),
    result: { restocked },
  };
}

export async function receiveReturn(knex: Knex, input: ReceiveReturnInput): Promise<ReceiveReturnResult> {
  requireOrderId(input.orderId);
  requireKey(input.key);
  if (typeof input.returnId !== 'string' || input.returnId === '') throw new TypeError('returnId must be a non-empty string');
  if (typeof input.warehouseId !== 'string' || input.warehouseId === '') throw new TypeError('warehouseId must be a non-empty string');
  const lines = mergeLines(input.lines);
  const args = { orderId: input.orderId, returnId: input.returnId, warehouseId: input.warehouseId, lines };
  const hash = requestHash('receiveReturn', args);
  return runWrite(
    knex,
    { op: 'receiveReturn', key: input.key, hash, orderId: input.orderId, warehouseId: input.warehouseId, skus: lines.map((l) => l.sku) },
    (ctx) => planReceiveReturn(ctx, { returnId: input.returnId, warehouseId: input.warehouseId, lines }),
  );
}
