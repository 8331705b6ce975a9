/** /counts: the warehouse's own numbers, compared as of their time (docs/design.md §16). */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Config } from '../../config/config';
import { countedAtProblem } from '../../domain/count';
import type { Ledger } from '../../ledger/types';
import type { Logger } from '../../platform/logger';
import type { StockWaker } from '../../clients/stock-waker';
import type { CountRecords, CountView } from '../../orders/counts';
import { authorize } from '../access';
import { listScope } from '../authorization';
import { countBodySchema, countListSchema, countParamsSchema, countsQuerySchema, countViewSchema, rejectCountBodySchema } from '../count-schemas';
import { signalShortfalls } from '../../clients/shortfall-signals';
import { ApiError, notFound } from '../errors';
import { idempotencyKeyOf } from '../ids';
import { defineRoute, type AnyRoute } from '../route';

export interface CountRouteDeps {
  config: Config;
  ledger: Ledger;
  counts: CountRecords;
  client: Client;
  stockWaker: StockWaker;
  logger: Logger;
  rpcTimeoutMs: number;
}

const unprocessable = (code: string, message: string, details: unknown) => new ApiError(422, code, message, details);

export function countRoutes(deps: CountRouteDeps): AnyRoute[] {
  const { config, ledger, counts } = deps;

  /** After commit: units that appeared wake waiting orders; units taken from holds re-allocate. */
  const afterApplied = async (count: CountView) => {
    const grown = count.lines.filter((l) => l.variance > 0).map((l) => l.sku);
    if (grown.length > 0) deps.stockWaker.wake(grown);
    if (count.reallocated.length > 0) await signalShortfalls(deps.client, deps.logger, count, deps.rpcTimeoutMs);
  };

  const create = defineRoute({
    method: 'post',
    path: '/counts',
    operationId: 'createCount',
    tag: 'counts',
    summary: 'Record a count',
    description:
      "Each line is compared with the ledger's own on hand as of `countedAt` (on hand now minus the movements recorded after it), so a report that does not know of later shipments, receipts or returns does not undo them. " +
      'The variance is applied now as one `count` movement per line when the largest |variance| is within COUNT_AUTO_APPROVE_UNITS (`applied`); otherwise the count waits as `pending_approval` and nothing moves. ' +
      'A negative variance that leaves fewer units than are held takes the missing units from the latest unpicked holds; their orders re-allocate them (`reallocated`).',
    access: 'count.write',
    body: countBodySchema,
    idempotencyKey: 'Becomes the count id when the body has none.',
    responses: {
      200: { description: 'The same count sent again: the count as stored', schema: countViewSchema },
      201: { description: 'The count, `applied` or `pending_approval`', schema: countViewSchema },
      400: { description: 'Malformed body, e.g. duplicate SKUs in one count (`validation_failed`, the field in `details`)' },
      409: { description: 'The count id names a count with another body (`idempotency_conflict`), or picked fulfillments hold more than the count leaves (`insufficient_stock`)' },
      422: { description: 'A negative count (`negative_count`), `countedAt` in the future or older than COUNT_MAX_AGE (`invalid_counted_at`), unknown warehouse or SKU (`unknown_warehouse`, `unknown_sku`), a kit (`kit_not_stocked`); `details.field` names the field' },
    },
    async handler({ body, req, log, principal }) {
      // A warehouse key counts at its own warehouse only (docs/design.md §20).
      authorize(principal, 'count.write', { warehouseId: body.warehouseId });
      const countId = body.countId ?? `cnt-${idempotencyKeyOf(req) ?? randomUUID()}`.slice(0, 64);
      const negative = body.lines.findIndex((l) => l.counted < 0);
      if (negative >= 0) {
        throw unprocessable('negative_count', `a count cannot be negative (${body.lines[negative].sku}: ${body.lines[negative].counted})`, { field: `lines.${negative}.counted`, sku: body.lines[negative].sku });
      }
      const problem = countedAtProblem(Date.parse(body.countedAt), Date.now(), config.counts.maxAgeMs);
      if (problem) throw unprocessable('invalid_counted_at', problem, { field: 'countedAt', countedAt: body.countedAt });
      const warehouses = await ledger.listWarehouses();
      if (!warehouses.some((w) => w.id === body.warehouseId)) {
        throw unprocessable('unknown_warehouse', `unknown warehouse: ${body.warehouseId}`, { field: 'warehouseId', warehouseId: body.warehouseId });
      }
      const { unknownSkus } = await ledger.catalogFacts(body.lines.map((l) => l.sku));
      if (unknownSkus.length > 0) {
        const index = body.lines.findIndex((l) => l.sku === unknownSkus[0]);
        throw unprocessable('unknown_sku', `unknown sku: ${unknownSkus.join(', ')}`, { field: `lines.${index}.sku`, skus: unknownSkus });
      }
      const kits = await ledger.kits(body.lines.map((l) => l.sku));
      const kitLine = body.lines.findIndex((l) => kits[l.sku] !== undefined);
      if (kitLine >= 0) {
        const sku = body.lines[kitLine].sku;
        throw unprocessable('kit_not_stocked', `${sku} is a kit: count its components instead`, { field: `lines.${kitLine}.sku`, sku });
      }
      const outcome = await counts.create({ ...body, countId, source: body.source as 'cycle_count' | 'warehouse_report' }, config.counts.autoApproveUnits);
      if (outcome.kind === 'conflict') {
        throw new ApiError(409, 'idempotency_conflict', `count ${countId} was recorded with another body`, { countId, status: outcome.count.status });
      }
      if (outcome.kind === 'created') log.info('count recorded', { countId, status: outcome.count.status, reallocated: outcome.count.reallocated.length });
      // A repeat signals the re-allocating orders again (they ignore a signal they had): the
      // sender's retry after a lost answer also covers signals lost with it.
      if (outcome.count.status === 'applied') await afterApplied(outcome.count);
      return { status: outcome.kind === 'created' ? 201 : 200, headers: { Location: `/counts/${encodeURIComponent(countId)}` }, body: outcome.count };
    },
  });

  const get = defineRoute({
    method: 'get',
    path: '/counts/:id',
    operationId: 'getCount',
    tag: 'counts',
    summary: 'A count',
    access: 'count.read',
    params: countParamsSchema,
    responses: { 200: { description: 'The count', schema: countViewSchema }, 404: { description: 'No such count' } },
    async handler({ params, principal }) {
      const count = await counts.get(params.id);
      if (!count) throw notFound(`count ${params.id}`, { countId: params.id });
      authorize(principal, 'count.read', { warehouseId: count.warehouseId });
      return { status: 200, body: count };
    },
  });

  const list = defineRoute({
    method: 'get',
    path: '/counts',
    operationId: 'listCounts',
    tag: 'counts',
    summary: 'Counts, newest first',
    access: 'count.read',
    query: countsQuerySchema,
    responses: { 200: { description: 'One page of counts (a warehouse key: its warehouse\'s only)', schema: countListSchema }, 400: { description: 'A bad filter or cursor' } },
    async handler({ query, principal }) {
      // A warehouse key lists only its warehouse's counts; a filter naming another finds none.
      const scope = listScope(principal);
      if (scope.warehouseId !== undefined && query.warehouseId !== undefined && query.warehouseId !== scope.warehouseId) return { status: 200, body: { counts: [] } };
      const warehouseId = scope.warehouseId ?? query.warehouseId;
      const filters = { ...(warehouseId ? { warehouseId } : {}), ...(query.status ? { status: query.status as CountView['status'] } : {}) };
      try {
        return { status: 200, body: await counts.list(filters, { limit: query.limit, cursor: query.cursor }) };
      } catch (err) {
        if ((err as { code?: string }).code === 'invalid_cursor') throw new ApiError(400, 'invalid_cursor', (err as Error).message, { field: 'cursor' });
        throw err;
      }
    },
  });

  const decided = (outcome: Awaited<ReturnType<CountRecords['approve']>>, id: string) => {
    if (outcome.kind === 'not_found') throw notFound(`count ${id}`, { countId: id });
    if (outcome.kind === 'not_pending') {
      throw new ApiError(409, 'invalid_transition', `count ${id} is ${outcome.count.status}, not pending_approval`, { countId: id, status: outcome.count.status });
    }
    return outcome.count;
  };

  const approve = defineRoute({
    method: 'post',
    path: '/counts/:id/approve',
    operationId: 'approveCount',
    tag: 'counts',
    summary: 'Apply a pending count',
    description: "The lines are compared again as of `countedAt` and the variances applied now, as on arrival.",
    access: 'count.approve',
    params: countParamsSchema,
    bodyOptional: true,
    responses: {
      200: { description: 'The count, `applied`', schema: countViewSchema },
      404: { description: 'No such count' },
      409: { description: 'The count is not `pending_approval` (`invalid_transition`, its status in `details.status`), or picked fulfillments hold more than it leaves (`insufficient_stock`)' },
    },
    async handler({ params, log }) {
      const count = decided(await counts.approve(params.id), params.id);
      log.info('count approved', { countId: params.id, reallocated: count.reallocated.length });
      await afterApplied(count);
      return { status: 200, body: count };
    },
  });

  const reject = defineRoute({
    method: 'post',
    path: '/counts/:id/reject',
    operationId: 'rejectCount',
    tag: 'counts',
    summary: 'Reject a pending count',
    description: 'Nothing moves; the count stays on record as `rejected`.',
    access: 'count.approve',
    params: countParamsSchema,
    body: rejectCountBodySchema,
    bodyOptional: true,
    responses: {
      200: { description: 'The count, `rejected`', schema: countViewSchema },
      404: { description: 'No such count' },
      409: { description: 'The count is not `pending_approval` (`invalid_transition`)' },
    },
    async handler({ params, body }) {
      return { status: 200, body: decided(await counts.reject(params.id, body?.reason), params.id) };
    },
  });

  return [create, list, get, approve, reject] as AnyRoute[];
}
