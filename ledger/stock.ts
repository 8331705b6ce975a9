import type { Knex } from 'knex';
import type { LedgerContext } from './context';
import { LedgerError } from './errors';
import { requestHash } from './idempotency';
import { isQuantity, MAX_LEDGER_QUANTITY } from './lines';
import type { BalanceChange } from './store';
import type { WarehouseLevel } from './types';
import { requireKey, runWrite } from './write';

type LevelResult = WarehouseLevel & { sku: string };

function requireKnown(ctx: LedgerContext, warehouseId: string, sku: string): void {
  if (!ctx.warehouse) throw new LedgerError('UNKNOWN_WAREHOUSE', `unknown warehouse: ${warehouseId}`, { warehouseId });
  if (!ctx.knownSkus.includes(sku)) throw new LedgerError('UNKNOWN_SKU', `unknown sku: ${sku}`, { skus: [sku] });
}

async function balanceWrite(knex: Knex, op: string, key: string, args: Record<string, unknown>, change: BalanceChange): Promise<LevelResult> {
  requireKey(key);
  const hash = requestHash(op, args);
  return runWrite<LevelResult>(knex, { op, key, hash, warehouseId: change.warehouseId, skus: [change.sku] }, (ctx) => {
    requireKnown(ctx, change.warehouseId, change.sku);
    return { changes: [change] };
  });
}

/** Receiving at an inactive warehouse is allowed: the goods are there, they are just not allocated. */
export async function receive(
  knex: Knex,
  input: { warehouseId: string; sku: string; quantity: number; reference?: string; key: string },
): Promise<LevelResult> {
  if (!isQuantity(input.quantity)) {
    throw new LedgerError('INVALID_QUANTITY', `quantity must be a whole number from 1 to ${MAX_LEDGER_QUANTITY}`, { quantity: input.quantity });
  }
  const reference = input.reference ?? null;
  return balanceWrite(
    knex,
    'receive',
    input.key,
    { warehouseId: input.warehouseId, sku: input.sku, quantity: input.quantity, reference },
    { warehouseId: input.warehouseId, sku: input.sku, kind: 'receipt', onHandDelta: input.quantity, reservedDelta: 0, onFail: 'stale', reason: reference },
  );
}

export async function adjust(
  knex: Knex,
  input: { warehouseId: string; sku: string; delta: number; reason: string; key: string },
): Promise<LevelResult> {
  const { delta } = input;
  if (typeof delta !== 'number' || !Number.isInteger(delta) || delta === 0 || Math.abs(delta) > MAX_LEDGER_QUANTITY) {
    throw new LedgerError('INVALID_QUANTITY', `delta must be a non-zero whole number within ±${MAX_LEDGER_QUANTITY}`, { delta });
  }
  return balanceWrite(
    knex,
    'adjust',
    input.key,
    { warehouseId: input.warehouseId, sku: input.sku, delta, reason: input.reason ?? null },
    { warehouseId: input.warehouseId, sku: input.sku, kind: 'adjustment', onHandDelta: delta, reservedDelta: 0, onFail: 'insufficient', reason: input.reason ?? null },
  );
}
