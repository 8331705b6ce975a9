/**
 * End-to-end bench: N orders (simulated warehouse and carrier, SIMULATED_DELAY 0) from
 * start to `delivered`, against a baseline workflow running the same number (9) of
 * sequential no-op activities on the same dev server with the same worker settings.
 *
 * Latency is the server's own start → close time of each workflow (from visibility), so
 * polling does not blur it; throughput is measured orders / (last close − first start).
 */
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporal as temporalProto, type temporal } from '@temporalio/proto';
import type { Knex } from 'knex';
import { simulatedCarrier, simulatedWarehouse, type CarrierAdapter, type WarehouseAdapter } from '../activities/adapters';
import { createClosedOrdersCheck } from '../infra/workflow-state';
import { createKnex } from '../infra/database';
import { decodePayload } from '../infra/payload';
import { createLedger } from '../ledger/ledger';
import type { Ledger } from '../ledger/types';
import { createWorker } from '../worker/create-worker';
import { createRecordsWithEvents } from '../infra/order-records';
import type { orderWorkflow } from '../workflows/order/workflow';
import { orderStartOptions } from '../workflows/start-options';
import type { OrderInput } from '../workflows/types';
import { fmt, hex, latencies, mapLimit, sleep, type Latencies } from './common';
import { noopActivities } from './noop-activities';
import { formatWebhooksE2e, summarizeWebhookRounds, webhookRound, type WebhookRound, type WebhooksE2e } from './e2e-webhooks';
import type { noopShapeWorkflow, noopWorkflow } from './noop-workflows';

/**
 * The order's happy path (see workflows/order/fulfillment.ts), one letter per activity in order:
 * L local (the ledger steps validate, reserve, commit), R regular.
 */
export const HAPPY_PATH_SHAPE = 'LLRRRRLRR';
export const HAPPY_PATH_ACTIVITIES = HAPPY_PATH_SHAPE.length;

export interface WorkerTuning {
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  /** Knex pool of the product worker's ledger. */
  poolMax: number;
  /**
   * Experiment: simulated adapters that answer at once without the heartbeat the product's
   * `heartbeatingWait` sends before every wait (even a 0 ms one).
   */
  noHeartbeat?: boolean;
}

export interface E2eOptions {
  client: Client;
  address: string;
  namespace: string;
  databaseUrl: string;
  orders: number;
  /** Workflow starts in flight at once. */
  startConcurrency: number;
  tuning: WorkerTuning;
  productBundle: WorkflowBundleWithSourceMap;
  noopBundle: WorkflowBundleWithSourceMap;
  timeoutMs?: number;
  log?: (line: string) => void;
  /** pid of the dev server, to account its CPU per workflow. */
  serverPid?: number;
}

export interface E2eRun {
  kind: 'order' | 'noop';
  n: number;
  completed: number;
  /** Workflows that did not end the way the run expects (order: delivered; noop: completed). */
  wrongEnd: number;
  seconds: number;
  perSecond: number;
  latencyMs: Latencies;
  historyEvents: { mean: number; min: number; max: number };
  /** Event types of one sample workflow's history, most frequent first. */
  sampleHistory: Record<string, number>;
  /** CPU ms per workflow: this process (client + worker), the dev server, and the Postgres backends of the run's database. */
  cpuMsPerWorkflow: { bench: number; server: number; postgres: number };
}

export interface E2eReport {
  /** The best round of each (see runE2eBench). */
  order: E2eRun;
  noop: E2eRun;
  /** The same 9 no-op steps with the order's mix of regular and local activities (HAPPY_PATH_SHAPE). */
  sameShape: E2eRun;
  /** The order with no record writes (BENCH_E2E_NO_RECORDS=1). */
  withoutRecords?: E2eRun;
  /** The order with the webhook loops beside its worker, with no subscription and with a dead one (BENCH_E2E_WEBHOOKS=1). */
  webhooks?: WebhooksE2e;
  /** completed/s of every round, in the order run. */
  rounds: { order: number[]; noop: number[]; sameShape: number[]; withoutRecords: number[] };
  /** order / sameShape: what the order costs beyond Temporal's own work for that shape. */
  sameShapeRatio: number;
  ratio: number;
  reconcile: { ok: boolean; problems: number };
  tuning: WorkerTuning;
  startConcurrency: number;
}

type ExecInfo = temporal.api.workflow.v1.IWorkflowExecutionInfo;

const tsMs = (ts: ExecInfo['startTime']): number => {
  if (!ts || ts.seconds == null) return NaN;
  const s = typeof ts.seconds === 'number' ? ts.seconds : Number(ts.seconds.toString());
  return s * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
};

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

const EVENT_TYPE_PREFIX = 'EVENT_TYPE_';

/** How many events of each type one workflow's history has. */
async function historyBreakdown(client: Client, workflowId: string): Promise<Record<string, number>> {
  if (!workflowId) return {};
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const counts: Record<string, number> = {};
  for (const e of history.events ?? []) {
    const name = (temporalProto.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType)).replace(EVENT_TYPE_PREFIX, '');
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
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

async function listAll(client: Client, namespace: string, query: string): Promise<ExecInfo[]> {
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

async function waitAllClosed(client: Client, namespace: string, taskQueue: string, timeoutMs: number): Promise<void> {
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

export function benchOrderInput(orderId: string, sku: string): OrderInput {
  const long = 3_600_000;
  return {
    orderId,
    channel: 'bench',
    customer: { id: `cust-${orderId.slice(-3)}` },
    shippingAddress: { name: 'Bench', line1: 'Dam 1', city: 'Amsterdam', postalCode: '1012', country: 'NL' },
    lines: [{ sku, quantity: 1 }],
    shippingMethod: 'standard',
    timeouts: { backorderMs: long, pickMs: long, packMs: long, deliveryMs: long, attentionMs: long },
  };
}

async function measure(
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
    cpuMsPerWorkflow: { bench: (cpu1.user + cpu1.system) / 1000 / opts.orders, server: serverMs / opts.orders, postgres: pgMs / opts.orders },
  };
  opts.log?.(`e2e ${kind} sample history: ${JSON.stringify(run.sampleHistory)}`);
  opts.log?.(
    `e2e ${kind}: ${run.completed}/${run.n} in ${fmt(seconds, 2)} s = ${fmt(run.perSecond)} /s · p50 ${fmt(run.latencyMs.p50, 0)} ms p95 ${fmt(run.latencyMs.p95, 0)} ms p99 ${fmt(run.latencyMs.p99, 0)} ms · history ${fmt(run.historyEvents.mean)} events · CPU/wf bench ${fmt(run.cpuMsPerWorkflow.bench)} ms server ${fmt(run.cpuMsPerWorkflow.server)} ms postgres ${fmt(run.cpuMsPerWorkflow.postgres)} ms · wrong end ${run.wrongEnd}`,
  );
  return run;
}

async function runWorker<T>(worker: Worker, fn: () => Promise<T>): Promise<T> {
  const running = worker.run();
  try {
    return await fn();
  } finally {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch((err: unknown) => console.error(`[e2e] worker: ${String(err)}`));
  }
}

/** Baseline variants: `shape` = the order's mix of regular (R) and local (L) activities; the others decompose the order's extra cost. */
export interface NoopVariant {
  shape?: string;
  orderStart?: boolean;
  upserts?: number;
}

export async function runNoop(opts: E2eOptions, connection: NativeConnection, variant?: NoopVariant): Promise<E2eRun> {
  const taskQueue = `bench-e2e-noop-${hex()}`;
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue,
    workflowBundle: opts.noopBundle,
    activities: noopActivities,
    maxConcurrentActivityTaskExecutions: opts.tuning.maxConcurrentActivityTaskExecutions,
    maxConcurrentWorkflowTaskExecutions: opts.tuning.maxConcurrentWorkflowTaskExecutions,
    shutdownGraceTime: '2s',
  });
  return runWorker(worker, () =>
    measure(
      opts,
      'noop',
      taskQueue,
      (id) => {
        if (!variant) {
          return opts.client.workflow.start<typeof noopWorkflow>('noopWorkflow', {
            workflowId: `noop-${taskQueue}-${id}`,
            taskQueue,
            args: [HAPPY_PATH_ACTIVITIES],
          });
        }
        if (variant.shape) {
          return opts.client.workflow.start<typeof noopShapeWorkflow>('noopShapeWorkflow', {
            workflowId: `noop-${taskQueue}-${id}`,
            taskQueue,
            args: [variant.shape],
          });
        }
        const o = variant.orderStart ? orderStartOptions(benchOrderInput(`${taskQueue}-${id}`, 'X'), taskQueue) : undefined;
        return opts.client.workflow.start('noopUpsertWorkflow', {
          ...(o ? { typedSearchAttributes: o.typedSearchAttributes, staticSummary: o.staticSummary, staticDetails: o.staticDetails, memo: { requestHash: 'x'.repeat(64) } } : {}),
          workflowId: `noop-${taskQueue}-${id}`,
          taskQueue,
          args: [HAPPY_PATH_ACTIVITIES, variant.upserts ?? 0],
        });
      },
      (i) => i.status === 2 /* COMPLETED */,
    ),
  );
}

/** The simulated adapters with every wait answered at once (no heartbeat, no sleep). */
function instantAdapters(): { warehouse: WarehouseAdapter; carrier: CarrierAdapter } {
  const done = async () => ({ completed: true });
  return {
    warehouse: { ...simulatedWarehouse({ delayMs: 0 }), awaitPick: done, pack: done },
    carrier: { ...simulatedCarrier({ delayMs: 0 }), awaitPickup: done, awaitDelivery: done },
  };
}

/** `onStart` sees every order id (warm-up `warm-<i>`, measured `m-<i>`) as its start is sent. */
export async function runOrders(
  opts: E2eOptions,
  connection: NativeConnection,
  ledger: Ledger,
  sku: string,
  knex?: Knex,
  withRecords = true,
  onStart?: (id: string) => void,
): Promise<E2eRun> {
  const taskQueue = `bench-e2e-order-${hex()}`;
  const worker = await createWorker({
    connection,
    client: opts.client,
    namespace: opts.namespace,
    taskQueue,
    ledger,
    // The order records (and the webhook outbox rows each change writes) are part of an order's cost.
    records: knex && withRecords ? createRecordsWithEvents(knex, 'bench-e2e-cursor-secret') : undefined,
    config: { warehouseMode: 'simulated', carrierMode: 'simulated', simulatedDelayMs: 0, reaperIntervalMs: 3_600_000 },
    workflowBundle: opts.productBundle,
    startReaper: false,
    adapters: opts.tuning.noHeartbeat ? instantAdapters() : undefined,
    maxConcurrentActivityTaskExecutions: opts.tuning.maxConcurrentActivityTaskExecutions,
    maxConcurrentWorkflowTaskExecutions: opts.tuning.maxConcurrentWorkflowTaskExecutions,
    shutdownGraceTime: '2s',
  });
  return runWorker(worker, () =>
    measure(
      opts,
      'order',
      taskQueue,
      (id) => {
        onStart?.(id);
        const o = orderStartOptions(benchOrderInput(`${taskQueue}-${id}`, sku), taskQueue);
        return opts.client.workflow.start<typeof orderWorkflow>('orderWorkflow', o);
      },
      (i) => i.status === 2 && decodePayload(i.searchAttributes?.indexedFields?.OrderStatus) === 'delivered',
      knex,
    ),
  );
}

export async function runE2eBench(opts: E2eOptions): Promise<E2eReport> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const connection = await NativeConnection.connect({ address: opts.address });
  const knex = createKnex(opts.databaseUrl, opts.tuning.poolMax);
  try {
    const ledger = createLedger(knex);
    const run = hex();
    const sku = `E2E-${run}`;
    await ledger.upsertWarehouse({ id: 'bench-e2e', name: 'Bench e2e', priority: 1, active: true });
    await ledger.upsertSku({ sku, name: 'Bench e2e SKU' });
    await ledger.receive({ warehouseId: 'bench-e2e', sku, quantity: 1_000_000, key: `bench-e2e-receipt-${run}`, reference: 'bench' });

    // Baseline and orders alternate (B O B O …, BENCH_E2E_ROUNDS rounds, default 2) and the
    // best round of each is compared: both get the same number of tries at a quiet moment,
    // and slow drift of the dev server (its SQLite file grows) hits both alike.
    const rounds = Math.max(1, Number(process.env.BENCH_E2E_ROUNDS ?? 2));
    const noops: E2eRun[] = [];
    const shaped: E2eRun[] = [];
    const orders: E2eRun[] = [];
    // BENCH_E2E_NO_RECORDS=1: also the order with no record writes, to price them apart.
    const bare: E2eRun[] = [];
    const hooks: WebhookRound[] = [];
    for (let r = 0; r < rounds; r++) {
      noops.push(await runNoop({ ...opts, log }, connection));
      orders.push(await runOrders({ ...opts, log }, connection, ledger, sku, knex));
      if (process.env.BENCH_E2E_NO_RECORDS === '1') bare.push(await runOrders({ ...opts, log: (l) => log(`(no records) ${l}`) }, connection, ledger, sku, knex, false));
      if (process.env.BENCH_E2E_WEBHOOKS === '1') {
        const run = (label: string, onStart: (id: string) => void) => runOrders({ ...opts, log: (l) => log(`(${label}) ${l}`) }, connection, ledger, sku, knex, true, onStart);
        hooks.push(await webhookRound(r, knex, opts.orders, run));
      }
      shaped.push(await runNoop({ ...opts, log }, connection, { shape: HAPPY_PATH_SHAPE }));
    }
    const best = (runs: E2eRun[]) => runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    const noop = best(noops);
    const sameShape = best(shaped);
    const order = best(orders);
    if (process.env.BENCH_DECOMPOSE === '1') {
      log('decompose: noop started like an order');
      await runNoop({ ...opts, log }, connection, { orderStart: true, upserts: 0 });
      log('decompose: noop started like an order + 7 upserts');
      await runNoop({ ...opts, log }, connection, { orderStart: true, upserts: 7 });
    }

    const report = await ledger.reconcile(createClosedOrdersCheck(opts.client, opts.namespace, { notFoundGraceMs: 0 }), { skus: [sku] });
    return {
      order,
      noop,
      sameShape,
      ...(bare.length ? { withoutRecords: best(bare) } : {}),
      ...(hooks.length ? { webhooks: summarizeWebhookRounds(hooks) } : {}),
      rounds: { order: orders.map((x) => x.perSecond), noop: noops.map((x) => x.perSecond), sameShape: shaped.map((x) => x.perSecond), withoutRecords: bare.map((x) => x.perSecond) },
      ratio: order.perSecond / noop.perSecond,
      sameShapeRatio: order.perSecond / sameShape.perSecond,
      reconcile: { ok: report.ok, problems: report.problems.length },
      tuning: opts.tuning,
      startConcurrency: opts.startConcurrency,
    };
  } finally {
    await connection.close().catch(() => undefined);
    await knex.destroy();
  }
}

export function formatE2e(r: E2eReport): string {
  const row = (x: E2eRun, label: string) =>
    `| ${label} | ${x.completed}/${x.n} | ${fmt(x.seconds, 2)} | ${fmt(x.perSecond)} | ${fmt(x.latencyMs.p50, 0)} | ${fmt(x.latencyMs.p95, 0)} | ${fmt(x.latencyMs.p99, 0)} | ${fmt(x.historyEvents.mean)} | ${fmt(x.cpuMsPerWorkflow.bench)} | ${fmt(x.cpuMsPerWorkflow.server)} | ${fmt(x.cpuMsPerWorkflow.postgres)} | ${x.wrongEnd} |`;
  return [
    '| run | done | s | completed/s | p50 ms | p95 ms | p99 ms | history events | CPU ms/wf bench+worker | CPU ms/wf dev server | CPU ms/wf Postgres | wrong end |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    row(r.order, `order (9 activities, 3 of them local; simulated, delay 0; best of ${r.rounds.order.length})`),
    row(r.noop, `baseline: ${HAPPY_PATH_ACTIVITIES} no-op activities (best of ${r.rounds.noop.length})`),
    row(r.sameShape, `same shape: 6 regular + 3 local no-op activities (best of ${r.rounds.sameShape.length})`),
    ...(r.withoutRecords ? [row(r.withoutRecords, `order without record writes (best of ${r.rounds.withoutRecords.length})`)] : []),
    ...(r.webhooks
      ? [
          row(r.webhooks.none, `order + webhook loops, no subscription (best of ${r.webhooks.rounds.none.length})`),
          row(r.webhooks.dead, `order + webhook loops, one dead subscriber to every type (best of ${r.webhooks.rounds.dead.length})`),
        ]
      : []),
    '',
    `rounds (completed/s, B O S alternating): baseline ${r.rounds.noop.map((x) => fmt(x)).join(', ')} · order ${r.rounds.order.map((x) => fmt(x)).join(', ')} · same shape ${r.rounds.sameShape.map((x) => fmt(x)).join(', ')}`,
    '',
    `order / same-shape baseline: ${fmt(r.sameShapeRatio, 2)}× (the order's own cost beyond Temporal's work for that shape)`,
    '',
    `throughput ratio order/baseline: **${fmt(r.ratio, 2)}×** (goal ≥ 0.8×) — ${r.ratio >= 0.8 ? 'met' : 'NOT met'}; ledger reconcile: ${r.reconcile.ok ? 'ok' : `${r.reconcile.problems} problem(s)`}`,
    ...(r.webhooks ? ['', formatWebhooksE2e(r.webhooks)] : []),
  ].join('\n');
}
