import type { Knex } from 'knex';
import { LedgerError } from './errors';
import type { ContextRequest, LedgerContext, LedgerOrderStatus, StoredResult } from './context';
import type { MovementKind, OrderLine, ReservationStatus } from './types';

/** One balance row change and the movement that records it. */
export interface BalanceChange {
  warehouseId: string;
  sku: string;
  kind: MovementKind;
  onHandDelta: number;
  reservedDelta: number;
  /** What a failed guard means: the plan was stale (plan again) or the request is refused. */
  onFail: 'stale' | 'insufficient';
  reason?: string | null;
}

export interface ReservationTransition {
  warehouseId: string;
  sku: string;
  from: ReservationStatus | null;
  to: ReservationStatus;
  quantity: number;
}

/** What a write does, decided in TypeScript from a LedgerContext. */
export interface ApplyPlan {
  orderStatus?: LedgerOrderStatus;
  /** The order's whole demand after this write (replaces the stored one). */
  demand?: OrderLine[];
  changes?: BalanceChange[];
  transitions?: ReservationTransition[];
  /** SKUs left backordered: the write is redone if any of them is available by commit time. */
  backorderedSkus?: string[];
  /** Warehouses the order may not use: their stock does not make a backorder wrong. */
  backorderExclude?: string[];
  /** Omitted: the first change's new balance is the result. */
  result?: unknown;
  /**
   * Warehouses with a daily capacity this write places the order at for the first time, and
   * the count of fulfillments opened there today the plan was made from (docs/design.md §17).
   */
  opened?: Array<{ warehouseId: string; expected: number }>;
  /** The order's place in the scarce stock queue after this write (ledger/waiting.ts). */
  waits?: { orderId: string; shipBy: string | null; skus: string[]; stale: Array<{ orderId: string; sku: string }> };
}

export interface ApplyRequest {
  op: string;
  key: string;
  hash: string;
  orderId?: string;
  expectedVersion: number | null;
}

export type ApplyOutcome = { replay: false; result: unknown } | ({ replay: true } & StoredResult);

const STALE = 'LDG01';
const INSUFFICIENT = 'LDG02';

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
  table?: string;
}

function pgError(err: unknown): PgError {
  return typeof err === 'object' && err !== null ? (err as PgError) : {};
}

export function isStale(err: unknown): boolean {
  return pgError(err).code === STALE;
}

/** A concurrent duplicate of the same key committed first. */
export function isKeyRace(err: unknown): boolean {
  const e = pgError(err);
  return e.code === '23505' && e.constraint === 'ledger_idempotency_pkey';
}

/** Turns the database's refusals into the ledger's error codes; anything else passes through. */
export function translateError(err: unknown): unknown {
  const e = pgError(err);
  if (e.code === INSUFFICIENT) {
    const details = JSON.parse(e.detail ?? '{}') as Record<string, unknown>;
    return new LedgerError('INSUFFICIENT_STOCK', `not enough stock of ${String(details.sku)} at ${String(details.warehouseId)}`, details);
  }
  if (e.code === '23503' && /warehouses/.test(e.detail ?? '')) return new LedgerError('UNKNOWN_WAREHOUSE', 'unknown warehouse');
  if (e.code === '23503' && /skus/.test(e.detail ?? '')) return new LedgerError('UNKNOWN_SKU', 'unknown sku');
  if (e.code === '22003') {
    return new LedgerError('LEVEL_OUT_OF_RANGE', 'the stock level would exceed the largest quantity the ledger holds (2147483647 units at one warehouse)');
  }
  // Movements keep their keys forever; an expired idempotency record (IDEMPOTENCY_RETENTION)
  // no longer answers a repeat, so a repeat that would write the same movement again is refused.
  if (e.code === '23505' && e.constraint === 'stock_movements_idempotency_key_key') {
    return new LedgerError('IDEMPOTENCY_CONFLICT', 'this idempotency key already wrote stock movements (its stored result has expired): use a new key');
  }
  return err;
}

export async function readContext(db: Knex | Knex.Transaction, req: ContextRequest): Promise<LedgerContext> {
  const { rows } = await db.raw<{ rows: Array<{ c: LedgerContext }> }>('SELECT ledger_context(?::jsonb) AS c', [
    JSON.stringify({
      key: req.key,
      order_id: req.orderId ?? null,
      warehouse_id: req.warehouseId ?? null,
      skus: req.skus ?? [],
      lock: req.lock ?? false,
    }),
  ]);
  return rows[0].c;
}

export async function applyPlan(db: Knex | Knex.Transaction, req: ApplyRequest, plan: ApplyPlan): Promise<ApplyOutcome> {
  const doc = {
    key: req.key,
    op: req.op,
    hash: req.hash,
    order_id: req.orderId ?? null,
    expected_version: req.expectedVersion,
    order_status: plan.orderStatus ?? null,
    demand: plan.demand ?? null,
    changes: (plan.changes ?? []).map((c) => ({
      warehouse_id: c.warehouseId,
      sku: c.sku,
      kind: c.kind,
      on_hand_delta: c.onHandDelta,
      reserved_delta: c.reservedDelta,
      on_fail: c.onFail,
      reason: c.reason ?? null,
    })),
    transitions: (plan.transitions ?? []).map((t) => ({
      warehouse_id: t.warehouseId,
      sku: t.sku,
      from_status: t.from,
      to_status: t.to,
      quantity: t.quantity,
    })),
    backordered_skus: plan.backorderedSkus ?? [],
    backorder_exclude: plan.backorderExclude ?? [],
    result: plan.result === undefined ? null : plan.result,
    opened: (plan.opened ?? []).map((o) => ({ warehouse_id: o.warehouseId, expected: o.expected })),
    waits: plan.waits
      ? { order_id: plan.waits.orderId, ship_by: plan.waits.shipBy, skus: plan.waits.skus, stale: plan.waits.stale.map((x) => ({ order_id: x.orderId, sku: x.sku })) }
      : null,
  };
  // Only a sourced write pays for the counter rows and the queue.
  const fn = doc.opened.length > 0 || doc.waits ? 'ledger_apply_sourced' : 'ledger_apply';
  const { rows } = await db.raw<{ rows: Array<{ r: ApplyOutcome }> }>(`SELECT ${fn}(?::jsonb) AS r`, [JSON.stringify(doc)]);
  return rows[0].r;
}

/**
 * ledger_reserve_single() (through ledger_reserve_single_sourced(), which hands over to the
 * planner while any warehouse has a daily capacity): the whole reservation in one round trip,
 * or `fallback` to the planner.
 */
export async function reserveSingle(
  db: Knex,
  req: { op: string; key: string; hash: string; orderId: string; lines: OrderLine[] },
): Promise<ApplyOutcome | { fallback: true }> {
  const { rows } = await db.raw<{ rows: Array<{ r: ApplyOutcome | { fallback: true } }> }>('SELECT ledger_reserve_single_sourced(?::jsonb) AS r', [
    JSON.stringify({ key: req.key, op: req.op, hash: req.hash, order_id: req.orderId, lines: req.lines }),
  ]);
  return rows[0].r;
}

export async function readStored(db: Knex, key: string): Promise<StoredResult | undefined> {
  const row = await db('ledger_idempotency').where({ key }).first<{ op: string; request_hash: string; result: unknown } | undefined>();
  return row && { op: row.op, hash: row.request_hash, result: row.result };
}
