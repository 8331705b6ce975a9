/**
 * Everything the API asks Temporal about orders: the start, and the Updates. Reads come from the
 * order records (order-store.ts). Temporal's errors become ApiErrors here so the routes stay thin.
 */
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { orderWorkflow } from '../workflows';
import { orderStartOptions } from '../workflows/order/start-options';
import { cancelUpdate, editUpdate, eventUpdate, holdUpdate, releaseHoldUpdate, retryUpdate } from '../workflows/order/messages';
import { OrderStatusKey } from '../workflows/search-attributes';
import { orderWorkflowId, type Actor, type EditRequest, type Hold, type HoldRequest, type OrderEvent, type OrderInput, type OrderStatus, type OrderView } from '../domain/types';
import { ApiError, notFound, serviceUnavailable } from './errors';
import type { OrderLinks } from './order-summary';
import { isAbortedWithWorkflowTask, isGrpcUnavailable, isTemporalUnavailable } from './temporal-errors';
import { temporalLimitError } from './temporal-limits';
import { updateRefusal } from './update-refusals';

export type { OrderLinks };

/** Memo key holding the canonical hash of the request that created the order. */
export const REQUEST_HASH_MEMO = 'requestHash';

export interface OrderGatewayOptions {
  namespace: string;
  taskQueue: string;
  uiUrl: string;
  /** How long GET /orders/:id waits for a worker to answer the status query. */
  queryTimeoutMs: number;
  /** How long the Updates wait for their result. */
  updateTimeoutMs: number;
  /** Deadline of the other (cheap) Temporal calls. */
  rpcTimeoutMs: number;
}

type OrderHandle = WorkflowHandle<typeof orderWorkflow>;

export class OrderGateway {
  constructor(
    private readonly client: Client,
    private readonly options: OrderGatewayOptions,
  ) {}

  links(orderId: string): OrderLinks {
    const { uiUrl, namespace } = this.options;
    return {
      self: `/orders/${encodeURIComponent(orderId)}`,
      temporalUi: `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(orderWorkflowId(orderId))}`,
    };
  }

  private handle(orderId: string): OrderHandle {
    return this.client.workflow.getHandle<typeof orderWorkflow>(orderWorkflowId(orderId));
  }

  private within<T>(ms: number, fn: () => Promise<T>): Promise<T> {
    return this.client.connection.withDeadline(Date.now() + ms, fn);
  }

  /**
   * Starts the order's workflow; one that exists already (a concurrent or repeated intake of the
   * same record) is the order's, and its run id is answered instead. The record decides whether
   * to call this at all (order-store.ts).
   */
  async startOnce(input: OrderInput, requestHash: string): Promise<{ runId?: string }> {
    try {
      const handle = await this.within(this.options.rpcTimeoutMs, () =>
        this.client.workflow.start<typeof orderWorkflow>('orderWorkflow', {
          ...orderStartOptions(input, this.options.taskQueue),
          memo: { [REQUEST_HASH_MEMO]: requestHash },
        }),
      );
      return { runId: handle.firstExecutionRunId };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // Its run id reaches the record with the workflow's first write.
      return {};
    }
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

  /** The hold id doubles as the Update id: a re-sent request places the hold once. */
  hold(orderId: string, request: HoldRequest): Promise<Hold> {
    return this.update(orderId, (h, updateId) => h.executeUpdate(holdUpdate, { args: [request], updateId }), request.holdId);
  }

  releaseHold(orderId: string, holdId: string, releasedBy?: Actor): Promise<OrderView> {
    return this.update(orderId, (h, updateId) => h.executeUpdate(releaseHoldUpdate, { args: [releasedBy ? { holdId, releasedBy } : { holdId }], updateId }));
  }

  /** `updateId` from the caller's Idempotency-Key applies a re-sent edit once. */
  edit(orderId: string, request: EditRequest, updateId?: string): Promise<OrderView> {
    return this.update(orderId, (h, id) => h.executeUpdate(editUpdate, { args: [request], updateId: id }), updateId);
  }

  /** `updateId` names the Update for every attempt, so the server applies it once; default random. */
  private async update<T>(orderId: string, call: (handle: OrderHandle, updateId: string) => Promise<T>, updateId: string = randomUUID()): Promise<T> {
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.within(this.options.updateTimeoutMs, () => call(this.handle(orderId), updateId));
        } catch (err) {
          if (attempt < 3 && isAbortedWithWorkflowTask(err)) continue;
          throw err;
        }
      }
    } catch (err) {
      const refusal = updateRefusal(err, orderId) ?? temporalLimitError(err, orderId);
      if (refusal) throw refusal;
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

  /** Cheap round trip for the health check. */
  async ping(timeoutMs: number): Promise<void> {
    await this.client.connection.withDeadline(Date.now() + timeoutMs, () => this.client.workflowService.getSystemInfo({}));
  }
}
