/**
 * Everything the API asks Temporal about orders: start (idempotent), the status query,
 * the list through visibility, the Updates (cancel, retry, events) and the stockArrived
 * signal. Temporal's errors become ApiErrors here so the routes stay thin.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  isGrpcServiceError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
} from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { decodePayload } from '../infra/payload';
import type { orderWorkflow } from '../workflows/order/workflow';
import { orderStartOptions } from '../workflows/start-options';
import { cancelUpdate, eventUpdate, INVALID_TRANSITION, retryUpdate, statusQuery, stockArrivedSignal } from '../workflows/messages';
import { INVALID_EVENT } from '../workflows/failure-types';
import { OrderStatusKey } from '../workflows/search-attributes';
import { orderWorkflowId, type OrderEvent, type OrderInput, type OrderStatus, type OrderView } from '../workflows/types';
import { ApiError, isTemporalUnavailable, notFound, serviceUnavailable } from './errors';
import type { Logger } from './logger';
import { orderListQuery, type OrderListFilters } from './visibility-query';

/** Memo key holding the canonical hash of the request that created the order. */
export const REQUEST_HASH_MEMO = 'requestHash';

export interface OrderLinks {
  self: string;
  temporalUi: string;
}

export interface OrderSummary {
  orderId: string;
  status: OrderStatus | 'unknown';
  customerId?: string;
  channel?: string;
  skus: string[];
  warehouseIds: string[];
  workflowStatus: string;
  startedAt: string;
  closedAt?: string;
  links: OrderLinks;
}

export interface OrderWorkflowsOptions {
  namespace: string;
  taskQueue: string;
  uiUrl: string;
  /** How long GET /orders/:id waits for a worker to answer the status query. */
  queryTimeoutMs: number;
  /** How long cancel / retry / events wait for the Update's result. */
  updateTimeoutMs: number;
  /** Deadline of the other (cheap) Temporal calls. */
  rpcTimeoutMs: number;
}

const WORKFLOW_ID_PREFIX = orderWorkflowId('');

const EXECUTION_STATUS: Record<number, string> = {
  1: 'RUNNING',
  2: 'COMPLETED',
  3: 'FAILED',
  4: 'CANCELLED',
  5: 'TERMINATED',
  6: 'CONTINUED_AS_NEW',
  7: 'TIMED_OUT',
  8: 'PAUSED',
};

function tsToIso(ts: { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined): string | undefined {
  if (!ts || ts.seconds == null) return undefined;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : ts.seconds.toNumber();
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}

const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined);
const asStrings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/**
 * A list cursor is Temporal's nextPageToken, base64url, behind a version byte and 8 bytes
 * of the query's hash: a cursor from other filters, or a made-up one, is refused with 400
 * before it reaches Temporal (which stalls on tokens it cannot decode).
 */
const CURSOR_VERSION = 1;
const queryTag = (query: string): Buffer => createHash('sha256').update(query).digest().subarray(0, 8);

function encodeCursor(query: string, token: Uint8Array | null | undefined): string | undefined {
  if (!token || token.length === 0) return undefined;
  return Buffer.concat([Buffer.from([CURSOR_VERSION]), queryTag(query), Buffer.from(token)]).toString('base64url');
}

function decodeCursor(query: string, cursor: string): Buffer {
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length > 9 && raw[0] === CURSOR_VERSION && raw.subarray(1, 9).equals(queryTag(query))) return raw.subarray(9);
  throw new ApiError(400, 'invalid_cursor', 'cursor is not valid: pass the nextCursor of a previous page, with the same filters');
}

export class OrderWorkflows {
  constructor(
    private readonly client: Client,
    private readonly options: OrderWorkflowsOptions,
  ) {}

  links(orderId: string): OrderLinks {
    const { uiUrl, namespace } = this.options;
    return {
      self: `/orders/${encodeURIComponent(orderId)}`,
      temporalUi: `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(orderWorkflowId(orderId))}`,
    };
  }

  private handle(orderId: string): WorkflowHandle<typeof orderWorkflow> {
    return this.client.workflow.getHandle<typeof orderWorkflow>(orderWorkflowId(orderId));
  }

  private within<T>(ms: number, fn: () => Promise<T>): Promise<T> {
    return this.client.connection.withDeadline(Date.now() + ms, fn);
  }

  /**
   * Starts the order's workflow unless one with its id exists. REJECT_DUPLICATE keeps the
   * id taken after the workflow closes, so a late retry of a request never starts a second
   * order; the request hash in the memo tells a retry (200) from a different order (409).
   */
  async start(input: OrderInput, requestHash: string): Promise<{ created: boolean; status: OrderStatus | 'unknown' }> {
    const base: ReturnType<typeof orderStartOptions> & { memo?: Record<string, unknown> } = orderStartOptions(input, this.options.taskQueue);
    try {
      await this.within(this.options.rpcTimeoutMs, () =>
        this.client.workflow.start<typeof orderWorkflow>('orderWorkflow', {
          ...base,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          memo: { ...base.memo, [REQUEST_HASH_MEMO]: requestHash },
        }),
      );
      return { created: true, status: 'received' };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    const description = await this.within(this.options.rpcTimeoutMs, () => this.handle(input.orderId).describe());
    if (description.memo?.[REQUEST_HASH_MEMO] !== requestHash) {
      throw new ApiError(409, 'order_conflict', `Order ${input.orderId} already exists with a different request body`, { orderId: input.orderId });
    }
    const status = (description.typedSearchAttributes.get(OrderStatusKey) as OrderStatus | undefined) ?? 'received';
    return { created: false, status };
  }

  /** The `status` query (replayed on a worker for closed workflows). */
  async view(orderId: string): Promise<OrderView> {
    const started = Date.now();
    try {
      return await this.within(this.options.queryTimeoutMs, () => this.handle(orderId).query(statusQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(`Order ${orderId}`, { orderId });
      // The deadline passed with no answer: on a loaded machine the call can end with the code of
      // a retried attempt instead of DEADLINE_EXCEEDED (seen once in a test run).
      if (isGrpcDeadline(err) || (isTemporalUnavailable(err) && Date.now() - started >= this.options.queryTimeoutMs)) {
        throw serviceUnavailable(
          `No worker answered the status query of order ${orderId} within ${this.options.queryTimeoutMs} ms; the order exists but its state cannot be read right now (are workers running?)`,
          { orderId },
        );
      }
      throw err;
    }
  }

  /** One page of orders from visibility: every field comes from search attributes, no query per item. */
  async list(filters: OrderListFilters, limit: number, cursor?: string): Promise<{ orders: OrderSummary[]; nextCursor?: string }> {
    const query = orderListQuery(filters);
    const nextPageToken = cursor === undefined ? undefined : decodeCursor(query, cursor);
    let response: temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
    try {
      response = await this.within(this.options.rpcTimeoutMs, () =>
        this.client.workflowService.listWorkflowExecutions({ namespace: this.options.namespace, query, pageSize: limit, nextPageToken }),
      );
    } catch (err) {
      if (cursor !== undefined && isGrpcServiceError(err) && err.code === 3 /* INVALID_ARGUMENT */) {
        throw new ApiError(400, 'invalid_cursor', 'cursor is not valid: pass the nextCursor of a previous page, with the same filters');
      }
      throw err;
    }
    const orders = response.executions.map((raw) => this.summary(raw));
    const nextCursor = encodeCursor(query, response.nextPageToken);
    return nextCursor ? { orders, nextCursor } : { orders };
  }

  private summary(raw: temporal.api.workflow.v1.IWorkflowExecutionInfo): OrderSummary {
    const workflowId = raw.execution?.workflowId ?? '';
    const orderId = workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.slice(WORKFLOW_ID_PREFIX.length) : workflowId;
    const fields = raw.searchAttributes?.indexedFields ?? {};
    const attr = (name: string) => decodePayload(fields[name]);
    const closedAt = tsToIso(raw.closeTime);
    return {
      orderId,
      status: (asString(attr('OrderStatus')) as OrderStatus | undefined) ?? 'unknown',
      customerId: asString(attr('CustomerId')),
      channel: asString(attr('Channel')),
      skus: asStrings(attr('Skus')),
      warehouseIds: asStrings(attr('WarehouseIds')),
      workflowStatus: EXECUTION_STATUS[raw.status ?? 0] ?? 'UNKNOWN',
      startedAt: tsToIso(raw.startTime) ?? new Date(0).toISOString(),
      ...(closedAt ? { closedAt } : {}),
      links: this.links(orderId),
    };
  }

  cancel(orderId: string, reason: string): Promise<OrderView> {
    return this.update(orderId, (h, updateId) => h.executeUpdate(cancelUpdate, { args: [{ reason }], updateId }));
  }

  retry(orderId: string): Promise<OrderView> {
    return this.update(orderId, (h, updateId) => h.executeUpdate(retryUpdate, { args: [], updateId }));
  }

  event(orderId: string, event: OrderEvent): Promise<OrderView> {
    return this.update(orderId, (h, updateId) => h.executeUpdate(eventUpdate, { args: [event], updateId }));
  }

  private async update(orderId: string, call: (handle: WorkflowHandle<typeof orderWorkflow>, updateId: string) => Promise<OrderView>): Promise<OrderView> {
    // One id for every attempt: the server deduplicates an Update it already accepted.
    const updateId = randomUUID();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.within(this.options.updateTimeoutMs, () => call(this.handle(orderId), updateId));
        } catch (err) {
          // An Update accepted in the same workflow task as a racing event is aborted with
          // that task ("unexpected workflow task failure") and never took effect: send it again.
          if (attempt < 3 && isAbortedWithWorkflowTask(err)) continue;
          throw err;
        }
      }
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
        const failure = err.cause;
        if (failure.type === INVALID_TRANSITION) {
          const status = (failure.details?.[0] as { status?: OrderStatus } | undefined)?.status;
          throw new ApiError(409, 'invalid_transition', failure.message, { orderId, status }, { orderId, status });
        }
        if (failure.type === INVALID_EVENT) throw new ApiError(422, 'invalid_event', failure.message, { orderId });
      }
      if (err instanceof WorkflowNotFoundError) {
        // Also what an Update to a *closed* workflow gets ("workflow execution already completed").
        throw await this.closedOrMissing(orderId);
      }
      if (isTemporalUnavailable(err) && !isGrpcUnavailable(err)) {
        throw serviceUnavailable(`Order ${orderId} did not answer within ${this.options.updateTimeoutMs} ms (are workers running?); the request may still take effect`, {
          orderId,
        });
      }
      throw err;
    }
  }

  /** 409 with the final status when the order exists but is closed; else 404. */
  private async closedOrMissing(orderId: string): Promise<ApiError> {
    try {
      const description = await this.within(this.options.rpcTimeoutMs, () => this.handle(orderId).describe());
      const status = description.typedSearchAttributes.get(OrderStatusKey) as OrderStatus | undefined;
      return new ApiError(409, 'invalid_transition', `Order ${orderId} is closed${status ? ` (${status})` : ''}`, { orderId, status }, { orderId, status });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return notFound(`Order ${orderId}`, { orderId });
      throw err;
    }
  }

  /** Best effort: wakes the orders waiting for this SKU; failures are logged, never thrown. */
  async stockArrived(orderIds: string[], sku: string, log: Logger): Promise<{ signalled: number; failed: number }> {
    const results = await Promise.allSettled(
      orderIds.map((orderId) => this.within(this.options.rpcTimeoutMs, () => this.handle(orderId).signal(stockArrivedSignal, { sku }))),
    );
    let failed = 0;
    results.forEach((result, i) => {
      if (result.status === 'rejected') {
        failed++;
        log.warn('stockArrived signal failed', { orderId: orderIds[i], sku, err: result.reason });
      }
    });
    if (orderIds.length > 0) log.info('stockArrived signalled', { sku, orders: orderIds.length, failed });
    return { signalled: orderIds.length - failed, failed };
  }

  /** Cheap round trip for the health check. */
  async ping(timeoutMs: number): Promise<void> {
    await this.client.connection.withDeadline(Date.now() + timeoutMs, () => this.client.workflowService.getSystemInfo({}));
  }
}

function grpcCodeOf(err: unknown): number | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur; depth++) {
    if (isGrpcServiceError(cur)) return cur.code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

const isGrpcDeadline = (err: unknown) => grpcCodeOf(err) === 4;
const isAbortedWithWorkflowTask = (err: unknown) => grpcCodeOf(err) === 9 /* FAILED_PRECONDITION */ && /workflow task failure/i.test(String((err as Error)?.message ?? err) + String((err as { cause?: Error })?.cause?.message ?? ''));
const isGrpcUnavailable = (err: unknown) => grpcCodeOf(err) === 14;
