import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { ClosedOrdersCheck } from '../ledger/types';
import { orderWorkflowId } from '../domain/types';

const RUNNING = temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
const GRPC_NOT_FOUND = 5;

export interface ClosedOrdersCheckOptions {
  /**
   * An order whose workflow is not found counts as closed only once it has been seen
   * missing for this long (default 10 min): its workflow may not have been started yet,
   * or the answer may come from a lagging replica. A found workflow answers at once.
   */
  notFoundGraceMs?: number;
  /** Describe calls in flight at once (default 8). */
  concurrency?: number;
  now?: () => number;
}

export type WorkflowState = 'running' | 'closed' | 'not_found';

/** Describes `order-<orderId>` (latest run): running, closed (any other status), or not found. */
export async function orderWorkflowState(client: Client, namespace: string, orderId: string): Promise<WorkflowState> {
  try {
    const res = await client.workflowService.describeWorkflowExecution({
      namespace,
      execution: { workflowId: orderWorkflowId(orderId) },
    });
    return res.workflowExecutionInfo?.status === RUNNING ? 'running' : 'closed';
  } catch (err) {
    if ((err as { code?: unknown }).code === GRPC_NOT_FOUND) return 'not_found';
    throw err;
  }
}

/**
 * "Which of these orders have a closed workflow?" for `ledger.reconcile(isClosed)`: used by
 * the reaper activity and by the API's `GET /inventory/reconciliation`. Create it once and
 * reuse it: the not-found grace period is remembered per instance (an order seen missing
 * for the first time is never reported closed by that call).
 */
export function createClosedOrdersCheck(client: Client, namespace: string, opts: ClosedOrdersCheckOptions = {}): ClosedOrdersCheck {
  const graceMs = opts.notFoundGraceMs ?? 10 * 60_000;
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const now = opts.now ?? Date.now;
  const firstMissing = new Map<string, number>();

  return async (orderIds) => {
    const closed = new Set<string>();
    const queue = [...new Set(orderIds)];
    const work = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const state = await orderWorkflowState(client, namespace, id);
        if (state === 'closed') {
          closed.add(id);
          firstMissing.delete(id);
        } else if (state === 'running') {
          firstMissing.delete(id);
        } else {
          const since = firstMissing.get(id) ?? now();
          firstMissing.set(id, since);
          if (graceMs === 0 || now() - since >= graceMs) closed.add(id);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, work));
    return closed;
  };
}
