/**
 * "Which order workflows closed without compensating since T?" from Temporal visibility: one
 * list call per page, however many orders are open or hold stock. Terminated, timed-out and
 * failed runs are the ones whose held stock nobody released (a cancel or a timeout of the order
 * itself compensates and completes).
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { orderWorkflowId } from '../domain/types';

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
