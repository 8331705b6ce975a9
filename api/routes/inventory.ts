/** /inventory: receipts, adjustments, levels, movements, alerts, reconciliation. */
import { singleFlight } from '../single-flight';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { ClosedOrdersCheck, Ledger } from '../../ledger/types';
import { notFound } from '../errors';
import { idempotencyKeyOf } from '../ids';
import type { StockWaker } from '../../clients/stock-waker';
import { defineRoute, type AnyRoute } from '../route';
import type { StockInMotion } from '../../orders/supply';
import type { SkuLevels } from '../../ledger/types';
import {
  adjustmentBodySchema,
  alertListSchema,
  movementListSchema,
  movementsQuerySchema,
  receiptBodySchema,
  reconciliationQuerySchema,
  reconciliationSchema,
  skuLevelsSchema,
  skuParamsSchema,
  warehouseLevelSchema,
} from '../schemas';

const LEDGER_KEY_DOC =
  'Becomes the ledger idempotency key: a repeat with the same key and body changes nothing and answers the first result; the same key with another body is 409 `idempotency_conflict`. Without it every request is a new movement.';

/** The ledger key of an HTTP movement: namespaced per kind so it never meets a workflow's keys. */
function ledgerKey(req: Request, kind: 'receipt' | 'adjustment'): string {
  return `http:${kind}:${idempotencyKeyOf(req) ?? randomUUID()}`;
}

export const RECONCILIATION_MAX_AGE_MS = 5_000;

export function inventoryRoutes(deps: { ledger: Ledger; stockWaker: StockWaker; closedOrdersCheck?: ClosedOrdersCheck; motion?: (sku: string) => Promise<StockInMotion> }): AnyRoute[] {
  const { ledger, stockWaker, closedOrdersCheck, motion } = deps;
  // A full scan any read key may ask for: one at a time, a result up to 5 s old shared (docs/design.md §20).
  const reconciliations = singleFlight({
    work: (skus: string[] | undefined) => ledger.reconcile(closedOrdersCheck, skus ? { skus } : undefined),
    keyOf: (skus) => (skus ? [...new Set(skus)].sort().join(',') : '*'),
    maxAgeMs: RECONCILIATION_MAX_AGE_MS,
  });

  const receipt = defineRoute({
    method: 'post',
    path: '/inventory/receipts',
    operationId: 'receiveStock',
    tag: 'inventory',
    summary: 'Receive stock',
    description:
      'Adds units on hand at a warehouse. Afterwards every order awaiting this SKU gets the `stockArrived` signal, in the background after the answer (best effort: a failed signal is logged, the receipt stands, and waiting orders re-check by themselves every few minutes). ' +
      'Unknown warehouse or SKU: 422 (`unknown_warehouse`, `unknown_sku`).',
    access: 'inventory.write',
    body: receiptBodySchema,
    idempotencyKey: LEDGER_KEY_DOC,
    responses: {
      201: { description: 'Received: the new level at that warehouse', schema: warehouseLevelSchema },
      409: { description: 'Idempotency-Key reused with another body (`idempotency_conflict`)' },
      422: { description: 'Unknown warehouse or SKU (`unknown_warehouse`, `unknown_sku`), or on hand would pass the largest level the ledger holds (`level_out_of_range`)' },
    },
    async handler({ body, req }) {
      const level = await ledger.receive({ ...body, key: ledgerKey(req, 'receipt') });
      stockWaker.wake([body.sku]);
      return { status: 201, body: level };
    },
  });

  const adjustment = defineRoute({
    method: 'post',
    path: '/inventory/adjustments',
    operationId: 'adjustStock',
    tag: 'inventory',
    summary: 'Correct a count',
    description: 'Adds `delta` (may be negative) to on hand. Refused with 409 `insufficient_stock` when on hand would drop below reserved (or below zero).',
    access: 'inventory.write',
    body: adjustmentBodySchema,
    idempotencyKey: LEDGER_KEY_DOC,
    responses: {
      201: { description: 'Adjusted: the new level at that warehouse', schema: warehouseLevelSchema },
      409: { description: 'On hand would drop below reserved (`insufficient_stock`), or Idempotency-Key reused with another body (`idempotency_conflict`)' },
      422: { description: 'Unknown warehouse or SKU (`unknown_warehouse`, `unknown_sku`), or on hand would pass the largest level the ledger holds (`level_out_of_range`)' },
    },
    async handler({ body, req }) {
      const level = await ledger.adjust({ ...body, key: ledgerKey(req, 'adjustment') });
      return { status: 201, body: level };
    },
  });

  const alerts = defineRoute({
    method: 'get',
    path: '/inventory/alerts',
    operationId: 'listReorderAlerts',
    tag: 'inventory',
    summary: 'Open reorder alerts',
    access: 'inventory.read',
    responses: { 200: { description: 'SKUs whose available stock is at or below their reorder point', schema: alertListSchema } },
    async handler() {
      return { status: 200, body: { alerts: await ledger.openAlerts() } };
    },
  });

  const reconciliation = defineRoute({
    method: 'get',
    path: '/inventory/reconciliation',
    operationId: 'reconcileInventory',
    tag: 'inventory',
    summary: 'Run the invariant checks',
    description:
      'Balances within 0 ≤ reserved ≤ on hand; balances equal the sums of their movements; reserved equals held reservations; no held reservation of a closed order workflow. ' +
      '`skus` narrows the run to some SKUs. One run at a time: callers asking the same while a run is going, or within 5 s of its start, share its result.',
    access: 'inventory.read',
    query: reconciliationQuerySchema,
    responses: { 200: { description: '`ok` is true when no problem was found', schema: reconciliationSchema } },
    async handler({ query }) {
      const report = await reconciliations.run(query.skus ? query.skus.split(',') : undefined);
      return { status: 200, body: report };
    },
  });

  const levels = defineRoute({
    method: 'get',
    path: '/inventory/:sku',
    operationId: 'getStockLevels',
    tag: 'inventory',
    summary: "A SKU's stock levels",
    description:
      'On hand, reserved and available per warehouse, with **incoming** (outstanding units of open purchase orders) and **in transit** (shipped toward the warehouse by a transfer, not yet received), ' +
      'and `supply`: each PO and transfer on its way, earliest `expectedAt` first (undated last). Channel availability counts neither incoming nor in transit.',
    access: 'inventory.read',
    params: skuParamsSchema,
    responses: {
      200: { description: 'Totals and one line per warehouse', schema: skuLevelsSchema },
      404: { description: 'Not in the catalog' },
    },
    async handler({ params }) {
      const result = await ledger.levels(params.sku);
      if (!result) throw notFound(`SKU ${params.sku}`, { sku: params.sku });
      return { status: 200, body: withMotion(result, motion ? await motion(params.sku) : undefined) };
    },
  });

  const movements = defineRoute({
    method: 'get',
    path: '/inventory/:sku/movements',
    operationId: 'listStockMovements',
    tag: 'inventory',
    summary: 'The ledger of a SKU, newest first',
    access: 'inventory.read',
    params: skuParamsSchema,
    query: movementsQuerySchema,
    responses: {
      200: { description: 'One page of movements', schema: movementListSchema },
      404: { description: 'Not in the catalog' },
    },
    async handler({ params, query }) {
      const sku = await ledger.getSku(params.sku);
      if (!sku) throw notFound(`SKU ${params.sku}`, { sku: params.sku });
      const page = await ledger.movements(params.sku, { limit: query.limit, before: query.cursor });
      return { status: 200, body: { movements: page.movements, ...(page.next ? { nextCursor: page.next } : {}) } };
    },
  });

  // /inventory/alerts and /inventory/reconciliation before /inventory/:sku.
  return [receipt, adjustment, alerts, reconciliation, levels, movements] as AnyRoute[];
}

/** Levels with incoming and in transit per warehouse (0 when none) and totals; warehouses with only units in motion listed too. */
export function withMotion(levels: SkuLevels, motion: StockInMotion | undefined) {
  const incoming = motion?.incoming ?? new Map<string, number>();
  const inTransit = motion?.inTransit ?? new Map<string, number>();
  const rows = levels.levels.map((l) => ({ ...l, incoming: incoming.get(l.warehouseId) ?? 0, inTransit: inTransit.get(l.warehouseId) ?? 0 }));
  const listed = new Set(rows.map((l) => l.warehouseId));
  for (const w of [...new Set([...incoming.keys(), ...inTransit.keys()])].sort()) {
    if (!listed.has(w)) rows.push({ warehouseId: w, onHand: 0, reserved: 0, available: 0, incoming: incoming.get(w) ?? 0, inTransit: inTransit.get(w) ?? 0 });
  }
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return { ...levels, incoming: sum(incoming), inTransit: sum(inTransit), levels: rows, supply: motion?.supply ?? [] };
}
