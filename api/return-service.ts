/**
 * Returns over HTTP (docs/design.md §13): the record decides authorization (under the order record's
 * row lock, so two returns of the last unit cannot both pass), then the return's workflow is
 * started; a receipt goes to that workflow as its `receive` Update.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Ledger } from '../ledger/types';
import { receiptProblems, sameReceipt, type ReturnRecords } from '../orders';
import { INVALID_TRANSITION } from '../workflows/order/messages';
import { INVALID_RECEIPT, receiveReturnUpdate } from '../workflows/return/messages';
import { returnStartOptions } from '../workflows/return/start-options';
import type { returnWorkflow } from '../workflows';
import { returnWorkflowId, type InspectedLine, type OrderLine, type ReturnInput, type ReturnView } from '../domain/types';
import { canonicalHash } from './canonical';
import { ApiError, notFound, serviceUnavailable } from './errors';
import { isAbortedWithWorkflowTask, isTemporalUnavailable } from './temporal-errors';

export interface ReturnServiceOptions {
  client: Client;
  returns: ReturnRecords;
  ledger: Ledger;
  taskQueue: string;
  returnTimeoutMs: number;
  rpcTimeoutMs: number;
  updateTimeoutMs: number;
}

/** From the Idempotency-Key when given (per order), so a re-sent POST names the same return. */
function returnIdFor(orderId: string, key: string | undefined): string {
  if (key === undefined) return `ret-${randomBytes(8).toString('hex')}`;
  return `ret-${createHash('sha256').update(`${orderId}\0${key}`).digest('hex').slice(0, 16)}`;
}

const sameLines = (a: readonly OrderLine[], b: readonly OrderLine[]) => canonicalHash(a) === canonicalHash(b);

const invalidTransition = (returnId: string, status: string) =>
  new ApiError(409, 'invalid_transition', `Return ${returnId} is ${status}`, { returnId, status }, { returnId, status });

export class ReturnService {
  constructor(private readonly o: ReturnServiceOptions) {}

  private within<T>(ms: number, fn: () => Promise<T>): Promise<T> {
    return this.o.client.connection.withDeadline(Date.now() + ms, fn);
  }

  async authorize(orderId: string, body: { lines: OrderLine[]; reason: string }, idempotencyKey?: string): Promise<ReturnView> {
    const returnId = returnIdFor(orderId, idempotencyKey);
    const outcome = await this.o.returns.authorize({ orderId, returnId, lines: body.lines, reason: body.reason, createdAt: new Date().toISOString() });
    switch (outcome.kind) {
      case 'not_found':
        throw notFound(`Order ${orderId}`, { orderId });
      case 'not_delivered':
        throw new ApiError(409, 'invalid_transition', `Order ${orderId} is ${outcome.status}: only a delivered order can be returned`, { orderId, status: outcome.status }, { orderId, status: outcome.status });
      case 'exceeds': {
        const notInOrder = outcome.excess.filter((e) => e.notInOrder);
        if (notInOrder.length > 0) {
          throw new ApiError(422, 'sku_not_in_order', `Order ${orderId} has no delivered ${notInOrder.map((e) => e.sku).join(', ')}`, { orderId, lines: notInOrder });
        }
        const what = outcome.excess.map((e) => `${e.sku}: ${e.requested} asked, ${e.returnable} returnable`).join('; ');
        throw new ApiError(422, 'return_exceeds_delivered', `More than delivered minus earlier returns (${what})`, { orderId, lines: outcome.excess });
      }
      case 'exists': {
        const ret = outcome.ret;
        if (!ret || !sameLines(ret.lines, body.lines) || ret.reason !== body.reason) {
          throw new ApiError(409, 'idempotency_conflict', 'This Idempotency-Key already authorized a different return', { orderId, returnId });
        }
        // A re-send: the first request may have lost its workflow start.
        if (ret.status === 'authorized') await this.startOnce(ret);
        return ret;
      }
      case 'created':
        await this.startOnce(outcome.ret);
        return outcome.ret;
    }
  }

  async get(returnId: string): Promise<ReturnView> {
    const found = await this.o.returns.find(returnId);
    if (!found) throw notFound(`Return ${returnId}`, { returnId });
    return found.ret;
  }

  async receive(returnId: string, body: { warehouseId: string; lines: InspectedLine[] }): Promise<ReturnView> {
    const ret = await this.get(returnId);
    if (ret.status !== 'authorized') {
      // The same receipt again (a re-send) answers as the first did; anything else does not fit.
      if (sameReceipt(ret, body.warehouseId, body.lines)) return ret;
      throw invalidTransition(returnId, ret.status);
    }
    const excess = receiptProblems(ret, body.lines);
    if (excess.length > 0) {
      throw new ApiError(422, 'receipt_exceeds_return', `The receipt has more than the return authorized (${excess.map((e) => `${e.sku}: ${e.requested} > ${e.returnable}`).join('; ')})`, {
        returnId,
        lines: excess,
      });
    }
    const warehouses = await this.o.ledger.listWarehouses();
    if (!warehouses.some((w) => w.id === body.warehouseId)) {
      throw new ApiError(422, 'unknown_warehouse', `unknown warehouse: ${body.warehouseId}`, { warehouseId: body.warehouseId });
    }
    // One Update id per receipt: a re-sent request while the first is in flight joins it.
    const updateId = `receive-${canonicalHash(body).slice(0, 32)}`;
    try {
      return await this.update(ret, body, updateId);
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
        const failure = err.cause;
        if (failure.type === INVALID_TRANSITION) {
          const now = await this.get(returnId);
          if (sameReceipt(now, body.warehouseId, body.lines)) return now;
          throw invalidTransition(returnId, now.status === 'authorized' ? 'being received' : now.status);
        }
        const code = failure.type === INVALID_RECEIPT ? 'invalid_receipt' : failure.type === 'UNKNOWN_WAREHOUSE' ? 'unknown_warehouse' : 'receipt_refused';
        throw new ApiError(422, code, failure.message, { returnId, type: failure.type });
      }
      if (err instanceof WorkflowNotFoundError) {
        // Closed meanwhile (expired): the record says how.
        const now = await this.get(returnId);
        if (sameReceipt(now, body.warehouseId, body.lines)) return now;
        throw invalidTransition(returnId, now.status);
      }
      if (isTemporalUnavailable(err)) {
        throw serviceUnavailable(`Return ${returnId} did not answer within ${this.o.updateTimeoutMs} ms (are workers running?); the receipt may still take effect`, { returnId });
      }
      throw err;
    }
  }

  private async update(ret: ReturnView, body: { warehouseId: string; lines: InspectedLine[] }, updateId: string): Promise<ReturnView> {
    const handle = () => this.o.client.workflow.getHandle<typeof returnWorkflow>(returnWorkflowId(ret.returnId));
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.within(this.o.updateTimeoutMs, () => handle().executeUpdate(receiveReturnUpdate, { args: [body], updateId }));
      } catch (err) {
        if (attempt < 3 && isAbortedWithWorkflowTask(err)) continue;
        // The record says authorized but Temporal has no such run: its start was lost.
        if (attempt < 3 && err instanceof WorkflowNotFoundError) {
          await this.startOnce(ret);
          continue;
        }
        throw err;
      }
    }
  }

  private async startOnce(ret: ReturnView): Promise<void> {
    const input: ReturnInput = {
      returnId: ret.returnId,
      orderId: ret.orderId,
      lines: ret.lines,
      reason: ret.reason,
      createdAt: ret.createdAt,
      timeouts: { returnMs: this.o.returnTimeoutMs },
    };
    try {
      await this.within(this.o.rpcTimeoutMs, () => this.o.client.workflow.start<typeof returnWorkflow>('returnWorkflow', returnStartOptions(input, this.o.taskQueue)));
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return;
      if (isTemporalUnavailable(err)) {
        throw serviceUnavailable(`Return ${ret.returnId} is authorized but its workflow could not be started; send the request again with the same Idempotency-Key`, {
          returnId: ret.returnId,
        });
      }
      throw err;
    }
  }
}
