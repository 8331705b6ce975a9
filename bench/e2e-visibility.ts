/**
 * What the e2e bench reads from the server's visibility and history: the workflows' own start
 * and close times, so polling does not blur the latency, and when every workflow is closed.
 */
import { billableActions } from './billable-actions';
import type { Client } from '@temporalio/client';
import { temporal as temporalProto, type temporal } from '@temporalio/proto';
import { sleep } from './common';

export type ExecInfo = temporal.api.workflow.v1.IWorkflowExecutionInfo;

export const tsMs = (ts: ExecInfo['startTime']): number => {
  if (!ts || ts.seconds == null) return NaN;
  const s = typeof ts.seconds === 'number' ? ts.seconds : Number(ts.seconds.toString());
  return s * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
};

const EVENT_TYPE_PREFIX = 'EVENT_TYPE_';

/** How many events of each type one workflow's history has. */
export async function historyBreakdown(client: Client, workflowId: string): Promise<Record<string, number>> {
  if (!workflowId) return {};
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const counts: Record<string, number> = {};
  for (const e of history.events ?? []) {
    const name = (temporalProto.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType)).replace(EVENT_TYPE_PREFIX, '');
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
}

/** Billable actions (billable-actions.ts) of up to `sample` of the run's workflows: the mean, and one's breakdown. */
export async function actionsOf(client: Client, workflowIds: string[], sample = 10): Promise<{ mean: number; byKind: Record<string, number> }> {
  const names = temporalProto.api.enums.v1.EventType as unknown as Record<number, string>;
  const counts = await Promise.all(
    workflowIds.slice(0, sample).map(async (id) => billableActions((await client.workflow.getHandle(id).fetchHistory()).events ?? [], names)),
  );
  return { mean: counts.reduce((t, c) => t + c.total, 0) / Math.max(1, counts.length), byKind: counts[0]?.byKind ?? {} };
}

export async function listAll(client: Client, namespace: string, query: string): Promise<ExecInfo[]> {
  const out: ExecInfo[] = [];
  let nextPageToken: Uint8Array | undefined;
  for (let page = 0; page < 200; page++) {
    const res = await client.workflowService.listWorkflowExecutions({ namespace, query, pageSize: 1000, nextPageToken });
    out.push(...res.executions);
    if (!res.nextPageToken || res.nextPageToken.length === 0) break;
    nextPageToken = res.nextPageToken;
  }
  return out;
}

async function countRunning(client: Client, namespace: string, taskQueue: string): Promise<number> {
  const res = await client.workflowService.countWorkflowExecutions({
    namespace,
    query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`,
  });
  return Number(res.count?.toString() ?? 0);
}

export async function waitAllClosed(client: Client, namespace: string, taskQueue: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Visibility may lag the starts by a moment: require two zero readings in a row.
  let zeros = 0;
  while (Date.now() < deadline) {
    zeros = (await countRunning(client, namespace, taskQueue)) === 0 ? zeros + 1 : 0;
    if (zeros >= 2) return;
    await sleep(200);
  }
  throw new Error(`workflows on ${taskQueue} still running after ${timeoutMs} ms`);
}
