/**
 * "Is this order closed?": the one module that answers it, three ways.
 * - orderWorkflowState / createClosedOrdersCheck: by describing each order's workflow (the
 *   reaper, and orders without a record);
 * - createRecordClosedCheck: by the order records first (the API's reconciliation);
 * - createClosedOrdersFinder: which order workflows closed without compensating since T
 *   (Temporal visibility, for the reaper's passes).
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { ClosedOrdersCheck } from '../ledger/types';
import type { OrderRecords } from '../orders';
import { isTerminal } from '../domain/order-rules';
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

/**
 * "Which of these orders are closed?" for the reconciliation's held-for-a-closed-order check,
 * answered by the order records: an order whose record is terminal is closed, one whose record
 * is open is not (a workflow terminated from the UI is found by the reaper, which closes its
 * record). Only orders with no record at all (started around the API) ask Temporal.
 */
export function createRecordClosedCheck(records: Pick<OrderRecords, 'statuses'>, withoutRecord: ClosedOrdersCheck): ClosedOrdersCheck {
  return async (orderIds) => {
    const statuses = await records.statuses(orderIds);
    const closed = new Set(orderIds.filter((id) => { const s = statuses.get(id); return s !== undefined && isTerminal(s); }));
    const unknown = orderIds.filter((id) => !statuses.has(id));
    if (unknown.length > 0) for (const id of await withoutRecord(unknown)) closed.add(id);
    return closed;
  };
}

/**
 * "Which order workflows closed without compensating since T?" from Temporal visibility: one
 * list call per page, however many orders are open or hold stock. Terminated, timed-out and
 * failed runs are the ones whose held stock nobody released (a cancel or a timeout of the order
 * itself compensates and completes).
 */
export interface ClosedOrder {
  orderId: string;
  runId: string;
  /** TERMINATED, TIMED_OUT or FAILED. */
  status: string;
  closedAt: string;
}

export type ClosedOrdersFinder = (sinceIso: string) => Promise<ClosedOrder[]>;

const PREFIX = orderWorkflowId('');
const STATUS = temporal.api.enums.v1.WorkflowExecutionStatus;
const NAMES: Record<number, string> = {
  [STATUS.WORKFLOW_EXECUTION_STATUS_TERMINATED]: 'TERMINATED',
  [STATUS.WORKFLOW_EXECUTION_STATUS_TIMED_OUT]: 'TIMED_OUT',
  [STATUS.WORKFLOW_EXECUTION_STATUS_FAILED]: 'FAILED',
};

function isoOf(ts: { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined): string {
  if (!ts || ts.seconds == null) return new Date(0).toISOString();
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : ts.seconds.toNumber();
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}

export function createClosedOrdersFinder(client: Client, namespace: string, opts: { pageSize?: number; maxPages?: number } = {}): ClosedOrdersFinder {
  return async (sinceIso) => {
    const query =
      "WorkflowType = 'orderWorkflow' AND (ExecutionStatus = 'Terminated' OR ExecutionStatus = 'TimedOut' OR ExecutionStatus = 'Failed') " +
      `AND CloseTime >= '${new Date(sinceIso).toISOString()}'`;
    const found: ClosedOrder[] = [];
    let nextPageToken: Uint8Array | undefined;
    for (let page = 0; page < (opts.maxPages ?? 50); page++) {
      const res = await client.workflowService.listWorkflowExecutions({ namespace, query, pageSize: opts.pageSize ?? 500, nextPageToken });
      for (const e of res.executions) {
        const workflowId = e.execution?.workflowId ?? '';
        if (!workflowId.startsWith(PREFIX)) continue;
        found.push({ orderId: workflowId.slice(PREFIX.length), runId: e.execution?.runId ?? '', status: NAMES[e.status ?? 0] ?? 'CLOSED', closedAt: isoOf(e.closeTime) });
      }
      if (!res.nextPageToken || res.nextPageToken.length === 0) break;
      nextPageToken = res.nextPageToken;
    }
    return found;
  };
}
