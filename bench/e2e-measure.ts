/**
 * One measured e2e run on a running worker: warm-up, then N starts timed from the server's
 * own start/close times, with the CPU of this process, the dev server and the run's Postgres
 * backends accounted per workflow.
 */
import { readFileSync } from 'node:fs';
import type { Worker } from '@temporalio/worker';
import type { Knex } from 'knex';
import { fmt, latencies, mapLimit } from './common';
import type { E2eOptions, E2eRun } from './e2e-types';
import { actionsOf, historyBreakdown, listAll, tsMs, waitAllClosed, type ExecInfo } from './e2e-visibility';

/** utime + stime of a process in ms (Linux /proc; NaN elsewhere). */
export function processCpuMs(pid: number | undefined): number {
  if (!pid || pid < 0) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks at USER_HZ 100
  } catch {
    return NaN;
  }
}

/** CPU ms of every Postgres backend serving the knex pool's database, by pid. */
async function backendCpu(knex: Knex | undefined): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!knex) return out;
  const { rows } = (await knex.raw('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')) as { rows: { pid: number }[] };
  for (const { pid } of rows) {
    const ms = processCpuMs(pid);
    if (Number.isFinite(ms)) out.set(String(pid), ms);
  }
  return out;
}

export async function measure(
  opts: E2eOptions,
  kind: 'order' | 'noop',
  taskQueue: string,
  start: (id: string) => Promise<unknown>,
  expectedEnd: (info: ExecInfo) => boolean,
  knex?: Knex,
): Promise<E2eRun> {
  const { client, namespace } = opts;
  const timeoutMs = opts.timeoutMs ?? 180_000;
  // Warm-up (caches, connections, JIT): not counted.
  const warm = Math.max(5, Math.min(30, Math.floor(opts.orders / 10)));
  await mapLimit(Array.from({ length: warm }, (_, i) => `warm-${i}`), opts.startConcurrency, (id) => start(id));
  await waitAllClosed(client, namespace, taskQueue, timeoutMs);

  const ids = Array.from({ length: opts.orders }, (_, i) => `m-${String(i).padStart(5, '0')}`);
  const cpu0 = process.cpuUsage();
  const server0 = processCpuMs(opts.serverPid);
  const pg0 = await backendCpu(knex);
  const t0 = Date.now();
  await mapLimit(ids, opts.startConcurrency, (id) => start(id));
  await waitAllClosed(client, namespace, taskQueue, timeoutMs);
  const cpu1 = process.cpuUsage(cpu0);
  const serverMs = processCpuMs(opts.serverPid) - server0;
  const pg1 = await backendCpu(knex);
  const pgMs = [...pg1].reduce((t, [pid, ms]) => t + ms - (pg0.get(pid) ?? 0), 0);

  const infos = (await listAll(client, namespace, `TaskQueue = '${taskQueue}'`)).filter((i) => /-m-\d+$/.test(i.execution?.workflowId ?? ''));
  const durations = infos.map((i) => tsMs(i.closeTime) - tsMs(i.startTime)).filter(Number.isFinite);
  const lastClose = Math.max(...infos.map((i) => tsMs(i.closeTime)));
  const seconds = (lastClose - t0) / 1000;
  const wrongEnd = infos.filter((i) => !expectedEnd(i)).length;

  // History length: describe each workflow (as an operator would see it).
  const lengths = await mapLimit(infos, 16, async (i) => {
    const d = await client.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId: i.execution!.workflowId! } });
    return Number(d.workflowExecutionInfo?.historyLength?.toString() ?? 0);
  });
  const run: E2eRun = {
    kind,
    n: opts.orders,
    completed: infos.length,
    wrongEnd: wrongEnd + (opts.orders - infos.length),
    seconds,
    perSecond: infos.length / seconds,
    latencyMs: latencies(durations),
    historyEvents: {
      mean: lengths.reduce((t, x) => t + x, 0) / Math.max(1, lengths.length),
      min: Math.min(...lengths),
      max: Math.max(...lengths),
    },
    sampleHistory: await historyBreakdown(client, infos[0]?.execution?.workflowId ?? ''),
    actions: await actionsOf(client, infos.map((i) => i.execution?.workflowId ?? '').filter(Boolean)),
    cpuMsPerWorkflow: { bench: (cpu1.user + cpu1.system) / 1000 / opts.orders, server: serverMs / opts.orders, postgres: pgMs / opts.orders },
  };
  opts.log?.(`e2e ${kind} sample history: ${JSON.stringify(run.sampleHistory)}`);
  opts.log?.(`e2e ${kind} billable actions per workflow (from history): ${fmt(run.actions.mean, 1)} ${JSON.stringify(run.actions.byKind)}`);
  opts.log?.(
    `e2e ${kind}: ${run.completed}/${run.n} in ${fmt(seconds, 2)} s = ${fmt(run.perSecond)} /s · p50 ${fmt(run.latencyMs.p50, 0)} ms p95 ${fmt(run.latencyMs.p95, 0)} ms p99 ${fmt(run.latencyMs.p99, 0)} ms · history ${fmt(run.historyEvents.mean)} events · CPU/wf bench ${fmt(run.cpuMsPerWorkflow.bench)} ms server ${fmt(run.cpuMsPerWorkflow.server)} ms postgres ${fmt(run.cpuMsPerWorkflow.postgres)} ms · wrong end ${run.wrongEnd}`,
  );
  return run;
}

export async function runWorker<T>(worker: Worker, fn: () => Promise<T>): Promise<T> {
  const running = worker.run();
  try {
    return await fn();
  } finally {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch((err: unknown) => console.error(`[e2e] worker: ${String(err)}`));
  }
}
