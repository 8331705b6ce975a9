/**
 * "Which transfer workflows closed without compensating since T?" (docs/design.md §15): a
 * transfer terminated from the UI (or timed out, failed) while `requested` still holds its
 * units at the source; the reaper releases them. One visibility list per page, like orders.
 */
import type { Client } from '@temporalio/client';
import { transferWorkflowId } from '../domain/transfers';

export type ClosedTransfersFinder = (sinceIso: string) => Promise<string[]>;

const PREFIX = transferWorkflowId('');

export function createClosedTransfersFinder(client: Client, namespace: string, opts: { maxPages?: number } = {}): ClosedTransfersFinder {
  return async (sinceIso) => {
    const query =
      "WorkflowType = 'transferWorkflow' AND (ExecutionStatus = 'Terminated' OR ExecutionStatus = 'TimedOut' OR ExecutionStatus = 'Failed') " +
      `AND CloseTime >= '${new Date(sinceIso).toISOString()}'`;
    const found: string[] = [];
    let nextPageToken: Uint8Array | undefined;
    for (let page = 0; page < (opts.maxPages ?? 20); page++) {
      const res = await client.workflowService.listWorkflowExecutions({ namespace, query, pageSize: 500, nextPageToken });
      for (const e of res.executions) {
        const id = e.execution?.workflowId ?? '';
        if (id.startsWith(PREFIX)) found.push(id.slice(PREFIX.length));
      }
      if (!res.nextPageToken || res.nextPageToken.length === 0) break;
      nextPageToken = res.nextPageToken;
    }
    return found;
  };
}
