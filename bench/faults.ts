/**
 * `npm run faults`: eight fault-injection runs against the product as separate processes
 * (`node dist/worker/main.js`, `node dist/api/main.js`), each on its own headless dev
 * server (SQLite file, fixed port so it can be restarted) and its own scratch database.
 * Every run drives orders through the HTTP API, injects its fault mid-run, waits (bounded)
 * until every order is terminal or idle in a waiting status, then checks:
 *   - no order lost or duplicated: every accepted orderId has exactly one workflow, no
 *     workflow without a posted orderId;
 *   - 0 oversell: every stock_levels row 0 ≤ reserved ≤ on_hand, and per warehouse/SKU
 *     shipped + held ≤ received; no order shipped more than it ordered;
 *   - 0 held units for closed orders;
 *   - every balance equals its movements (GET /inventory/reconciliation ok);
 *   - no workflow FAILED / TERMINATED / TIMED_OUT;
 *   - plus what the run itself expects (e.g. every accepted order delivered).
 * A run that finds a problem makes the process exit 1.
 *
 * Run 7 puts the warehouses behind HTTP (DESIGN §10): a loopback warehouse service answers
 * 500 to a third of the requests and resets every connection for 10 s mid-run, and reports
 * picked/packed back through the API; no fulfillment may be requested twice.
 *
 * Run 8 subscribes a loopback receiver to every webhook event type and makes it flap
 * (refused / 500 / slow / ok) while the orders run, with a short retry backoff
 * (WEBHOOK_RETRY_BASE, WEBHOOK_RETRY_MAX; the 24 h horizon unchanged); then, receiver
 * steady, no event may be lost (bench/fault-webhooks.ts).
 *
 * Knobs: FAULTS_ONLY=1,4,5 · FAULTS_ORDERS (default 200) · BENCH_CHILD_LOG=1 (child output).
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { Knex } from 'knex';
import { createKnex } from '../infra/database';
import { decodePayload } from '../infra/payload';
import { freePort, startDevServer } from '../infra/dev-server';
import {
  benchTempDir,
  Cleanup,
  envInt,
  fmt,
  hex,
  mapLimit,
  scratchDatabase,
  sleep,
  startBenchDevServer,
  temporalCliPath,
  waitFor,
  type BenchDevServer,
} from './common';
import { httpJson } from './http';
import { generateSecret } from '../integrations/signed-post';
import { startFaultWarehouse } from './fault-warehouse';
import { startFlappingReceiver } from './fault-receiver';
import { checkNoEventLost, subscribeAll, waitDrained } from './fault-webhooks';
import { spawnProduct, waitApiReady, waitWorkerReady, type ProductProcess } from './processes';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

type ExecInfo = temporal.api.workflow.v1.IWorkflowExecutionInfo;
type Line = { sku: string; quantity: number };
interface OrderBody {
  orderId: string;
  channel: string;
  customer: { id: string };
  shippingAddress: { name: string; line1: string; city: string; postalCode: string; country: string };
  lines: Line[];
}

const log = (line: string) => console.log(`[faults] ${line}`);
const WAITING = new Set(['awaiting_stock', 'picking', 'packing', 'shipping', 'shipped', 'needs_attention']);
const TERMINAL = new Set(['delivered', 'rejected', 'cancelled', 'timed_out']);
const EXEC_STATUS: Record<number, string> = { 1: 'RUNNING', 2: 'COMPLETED', 3: 'FAILED', 4: 'CANCELED', 5: 'TERMINATED', 6: 'CONTINUED_AS_NEW', 7: 'TIMED_OUT' };

// ── one run's world ────────────────────────────────────────────────────────────────

interface RunOptions {
  mode: 'simulated' | 'manual';
  simulatedDelay?: string;
  viaProxy?: boolean;
  env?: Record<string, string>;
}

class World {
  server!: BenchDevServer;
  client!: Client;
  connection!: Connection;
  worker!: ProductProcess;
  api!: ProductProcess;
  apiBase = '';
  knex!: Knex;
  proxy?: TcpProxy;
  databaseUrl = '';
  productDatabaseUrl = '';
  taskQueue = `fulfillment-faults-${hex()}`;
  readonly posted = new Map<string, OrderBody>();
  readonly accepted = new Set<string>();
  /** Posted but never answered 200/202 (the start may or may not have happened). */
  readonly unanswered = new Set<string>();
  readonly problems: string[] = [];
  readonly notes: string[] = [];
  readonly codes = new Map<string, number>();
  private env: Record<string, string> = {};
  private workers = 0;

  constructor(
    readonly name: string,
    readonly cleanup: Cleanup,
    readonly opts: RunOptions,
  ) {}

  count(what: string): void {
    this.codes.set(what, (this.codes.get(what) ?? 0) + 1);
  }

  async start(): Promise<void> {
    this.databaseUrl = await scratchDatabase(this.cleanup, 'faults');
    const dir = benchTempDir(this.cleanup);
    this.server = await startBenchDevServer(this.cleanup, { dbFile: path.join(dir, `faults-${hex()}.sqlite`), port: await freePort() });
    this.connection = await Connection.connect({ address: this.server.address });
    this.cleanup.add('close client', () => this.connection.close());
    this.client = new Client({ connection: this.connection, namespace: 'default' });
    this.knex = createKnex(this.databaseUrl, 4);
    this.cleanup.add('close checker pool', () => this.knex.destroy());
    this.productDatabaseUrl = this.databaseUrl;
    if (this.opts.viaProxy) {
      this.proxy = await startTcpProxy('127.0.0.1', Number(new URL(this.databaseUrl).port || 5432));
      this.cleanup.add('close proxy', () => this.proxy?.close());
      const u = new URL(this.databaseUrl);
      u.port = String(this.proxy.port);
      this.productDatabaseUrl = u.toString();
    }
    const apiPort = await freePort();
    this.apiBase = `http://127.0.0.1:${apiPort}`;
    this.env = {
      DATABASE_URL: this.productDatabaseUrl,
      TEMPORAL_ADDRESS: this.server.address,
      TEMPORAL_NAMESPACE: 'default',
      TASK_QUEUE: this.taskQueue,
      WAREHOUSE_MODE: this.opts.mode,
      CARRIER_MODE: this.opts.mode,
      SIMULATED_DELAY: this.opts.simulatedDelay ?? '200ms',
      BACKORDER_TIMEOUT: '20s',
      PICK_TIMEOUT: '120s',
      PACK_TIMEOUT: '120s',
      DELIVERY_TIMEOUT: '120s',
      ATTENTION_TIMEOUT: '30m',
      REAPER_INTERVAL: '5s',
      SHUTDOWN_GRACE: '5s',
      METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
      ...this.opts.env,
    };
    await this.startWorker();
    this.api = spawnProduct('api', { ...this.env, PORT: String(apiPort) }, this.cleanup, `${this.name}-api`);
    await waitApiReady(this.api, this.apiBase);
  }

  async startWorker(): Promise<void> {
    // info: the worker's ready line ("worker running") is logged at info.
    this.worker = spawnProduct('worker', { ...this.env, LOG_LEVEL: 'info' }, this.cleanup, `${this.name}-worker${++this.workers}`);
    await waitWorkerReady(this.worker);
  }

  /** Stops the dev server and starts it again on the same port with the same SQLite file. */
  async restartTemporal(downMs: number): Promise<void> {
    const { dbFile, port } = this.server;
    await this.server.stop();
    await sleep(downMs);
    const again = await startDevServer({ cliPath: temporalCliPath(), port, namespace: 'default', dbFile });
    this.cleanup.add(`stop dev server ${again.address} (restarted)`, () => again.stop());
    this.server = { ...again, dbFile, port };
  }

  async seed(warehouses: string[], stock: Record<string, Record<string, number>>): Promise<void> {
    for (const [i, id] of warehouses.entries()) {
      const r = await httpJson(this.apiBase, 'PUT', `/warehouses/${id}`, { name: `Faults ${id}`, priority: i + 1, active: true });
      if (r.status >= 300) throw new Error(`PUT /warehouses/${id}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    const skus = new Set(Object.values(stock).flatMap((s) => Object.keys(s)));
    for (const sku of skus) {
      const r = await httpJson(this.apiBase, 'PUT', `/skus/${sku}`, { name: `Faults ${sku}` });
      if (r.status >= 300) throw new Error(`PUT /skus/${sku}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    for (const [warehouseId, perSku] of Object.entries(stock)) {
      for (const [sku, quantity] of Object.entries(perSku)) if (quantity > 0) await this.receive(warehouseId, sku, quantity);
    }
  }

  async receive(warehouseId: string, sku: string, quantity: number): Promise<void> {
    const key = `rcpt-${hex()}`;
    for (let attempt = 0; attempt < 20; attempt++) {
      const r = await httpJson(this.apiBase, 'POST', '/inventory/receipts', { warehouseId, sku, quantity, reference: 'faults' }, { headers: { 'Idempotency-Key': key } });
      if (r.status === 201) return;
      if (r.status < 500 && r.status !== 0) throw new Error(`receipt ${sku}@${warehouseId}: ${r.status} ${JSON.stringify(r.body)}`);
      await sleep(1_000);
    }
    throw new Error(`receipt ${sku}@${warehouseId}: no 201 after 20 attempts`);
  }

  /** POST /orders like a careful client: retries the same body on 5xx / no answer (bounded). */
  async post(body: OrderBody, copies = 1): Promise<void> {
    this.posted.set(body.orderId, body);
    const deadline = Date.now() + 120_000;
    for (let attempt = 0; attempt < 40 && Date.now() < deadline; attempt++) {
      const answers = await Promise.all(Array.from({ length: copies }, () => httpJson(this.apiBase, 'POST', '/orders', body, { timeoutMs: 20_000 })));
      for (const a of answers) this.count(`POST /orders ${a.status}`);
      if (copies > 1 && attempt === 0) {
        const created = answers.filter((a) => a.status === 202).length;
        if (created > 1) this.problems.push(`order ${body.orderId}: ${created} of ${copies} concurrent POSTs answered 202 (created)`);
      }
      const bad = answers.find((a) => a.status >= 400 && a.status < 500);
      if (bad) {
        this.problems.push(`order ${body.orderId}: POST answered ${bad.status} ${JSON.stringify(bad.body).slice(0, 200)}`);
        return;
      }
      if (answers.some((a) => a.status === 202 || a.status === 200)) {
        this.accepted.add(body.orderId);
        this.unanswered.delete(body.orderId);
        return;
      }
      this.unanswered.add(body.orderId);
      await sleep(Math.min(3_000, 250 * 2 ** Math.min(attempt, 4)));
    }
  }

  /** Posts all orders, `perSecond` paced, `concurrency` in flight; `atHalf` fires (not awaited by the posting) halfway. */
  async postAll(bodies: OrderBody[], opts: { perSecond: number; concurrency: number; copies?: number; atHalf?: () => Promise<void> }): Promise<void> {
    const t0 = Date.now();
    let fault: Promise<void> | undefined;
    await mapLimit(bodies, opts.concurrency, async (body, i) => {
      const due = t0 + (i * 1000) / opts.perSecond;
      if (due > Date.now()) await sleep(due - Date.now());
      if (i === Math.floor(bodies.length / 2) && opts.atHalf) {
        fault = opts.atHalf().catch((err: unknown) => {
          this.problems.push(`fault injection failed: ${(err as Error).message}`);
        });
      }
      await this.post(body, opts.copies ?? 1);
    });
    await fault;
  }

  async listOrders(query = ''): Promise<ExecInfo[]> {
    const out: ExecInfo[] = [];
    let nextPageToken: Uint8Array | undefined;
    for (let page = 0; page < 100; page++) {
      const res = await this.client.workflowService.listWorkflowExecutions({
        namespace: 'default',
        query: `WorkflowType = 'orderWorkflow'${query ? ` AND ${query}` : ''}`,
        pageSize: 1000,
        nextPageToken,
      });
      out.push(...res.executions);
      if (!res.nextPageToken?.length) break;
      nextPageToken = res.nextPageToken;
    }
    return out;
  }

  /**
   * Waits until every order workflow is closed, or the open ones sit in a waiting status
   * with no activity pending (stable over 3 polls). Bounded by `timeoutMs`.
   */
  async settle(timeoutMs: number, allowIdle = true): Promise<{ open: number; idle: number; seconds: number }> {
    const t0 = Date.now();
    let stableIdle = 0;
    while (Date.now() - t0 < timeoutMs) {
      let running: ExecInfo[];
      try {
        running = await this.listOrders(`ExecutionStatus = 'Running'`);
      } catch {
        await sleep(1_000);
        continue;
      }
      if (running.length === 0) return { open: 0, idle: 0, seconds: (Date.now() - t0) / 1000 };
      if (allowIdle) {
        const waiting = running.filter((r) => WAITING.has(String(decodePayload(r.searchAttributes?.indexedFields?.OrderStatus))));
        let idle = 0;
        if (waiting.length === running.length) {
          const pending = await mapLimit(waiting, 8, async (r) => {
            const d = await this.client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: r.execution!.workflowId! } });
            return (d.pendingActivities?.length ?? 0) + (d.pendingWorkflowTask ? 1 : 0);
          });
          idle = pending.filter((p) => p === 0).length;
        }
        stableIdle = idle === running.length ? stableIdle + 1 : 0;
        if (stableIdle >= 3) return { open: running.length, idle, seconds: (Date.now() - t0) / 1000 };
      }
      await sleep(1_000);
    }
    const running = await this.listOrders(`ExecutionStatus = 'Running'`).catch(() => []);
    this.problems.push(`not settled after ${timeoutMs / 1000} s: ${running.length} order workflow(s) still running and busy`);
    return { open: running.length, idle: 0, seconds: timeoutMs / 1000 };
  }
}

// ── checks ─────────────────────────────────────────────────────────────────────────

interface RunResult {
  id?: number;
  name: string;
  fault: string;
  posted: number;
  accepted: number;
  workflows: number;
  lost: number;
  duplicated: number;
  phantom: number;
  failed: number;
  byStatus: Record<string, number>;
  open: number;
  oversellRows: number;
  overReceived: number;
  overShippedOrders: number;
  heldForClosed: number;
  reconcile: string;
  seconds: number;
  problems: string[];
  notes: string[];
}

async function check(w: World, fault: string, started: number, settled: { open: number; idle: number }): Promise<RunResult> {
  const all = await w.listOrders();
  const runsById = new Map<string, ExecInfo[]>();
  for (const e of all) {
    const id = (e.execution?.workflowId ?? '').replace(/^order-/, '');
    runsById.set(id, [...(runsById.get(id) ?? []), e]);
  }
  const lostIds = [...w.accepted].filter((id) => !runsById.has(id));
  const dupIds = [...runsById.entries()].filter(([, runs]) => runs.length > 1).map(([id]) => id);
  const phantomIds = [...runsById.keys()].filter((id) => !w.posted.has(id));
  const failed = all.filter((e) => [3, 5, 7].includes(e.status ?? 0));
  const byStatus: Record<string, number> = {};
  const statusOf = new Map<string, string>();
  for (const e of all) {
    const s = String(decodePayload(e.searchAttributes?.indexedFields?.OrderStatus) ?? 'unknown');
    const key = e.status === 1 ? s : TERMINAL.has(s) ? s : `${s} (${EXEC_STATUS[e.status ?? 0]})`;
    byStatus[key] = (byStatus[key] ?? 0) + 1;
    statusOf.set((e.execution?.workflowId ?? '').replace(/^order-/, ''), s);
  }
  const closed = new Set(all.filter((e) => e.status !== 1).map((e) => (e.execution?.workflowId ?? '').replace(/^order-/, '')));

  const k = w.knex;
  const oversellRows = Number((await k('stock_levels').whereRaw('reserved < 0 OR reserved > on_hand').count<{ n: string }[]>({ n: '*' }))[0].n);
  const flows = (await k.raw(`
    SELECT l.warehouse_id, l.sku, l.reserved AS held,
      COALESCE((SELECT SUM(on_hand_delta) FROM stock_movements m WHERE m.warehouse_id = l.warehouse_id AND m.sku = l.sku AND m.kind IN ('receipt','adjustment','return')), 0) AS received,
      COALESCE((SELECT -SUM(on_hand_delta) FROM stock_movements m WHERE m.warehouse_id = l.warehouse_id AND m.sku = l.sku AND m.kind = 'ship'), 0) AS shipped
    FROM stock_levels l`)) as { rows: { warehouse_id: string; sku: string; held: number; received: string; shipped: string }[] };
  const overReceived = flows.rows.filter((r) => Number(r.shipped) + Number(r.held) > Number(r.received));
  const held = (await k('reservations').where({ status: 'held' }).select('order_id').sum<{ order_id: string; q: string }[]>({ q: 'quantity' }).groupBy('order_id')) as {
    order_id: string;
    q: string;
  }[];
  const heldForClosed = held.filter((h) => closed.has(h.order_id)).reduce((t, h) => t + Number(h.q), 0);
  const shipped = (await k('reservations').where({ status: 'shipped' }).select('order_id', 'sku').sum<{ order_id: string; sku: string; q: string }[]>({ q: 'quantity' }).groupBy('order_id', 'sku')) as {
    order_id: string;
    sku: string;
    q: string;
  }[];
  const shippedByOrder = new Map<string, Map<string, number>>();
  for (const s of shipped) {
    const m = shippedByOrder.get(s.order_id) ?? new Map<string, number>();
    m.set(s.sku, Number(s.q));
    shippedByOrder.set(s.order_id, m);
  }
  let overShippedOrders = 0;
  for (const [orderId, body] of w.posted) {
    const ordered = new Map<string, number>();
    for (const l of body.lines) ordered.set(l.sku, (ordered.get(l.sku) ?? 0) + l.quantity);
    const got = shippedByOrder.get(orderId) ?? new Map<string, number>();
    const over = [...got].some(([sku, q]) => q > (ordered.get(sku) ?? 0));
    if (over) overShippedOrders++;
    if (statusOf.get(orderId) === 'delivered') {
      const short = [...ordered].some(([sku, q]) => (got.get(sku) ?? 0) !== q);
      if (short) w.problems.push(`order ${orderId} delivered but shipped units ≠ ordered (${JSON.stringify([...got])} vs ${JSON.stringify([...ordered])})`);
    }
  }

  let reconcile = 'n/a';
  const rec = await waitFor(
    'GET /inventory/reconciliation',
    async () => {
      const r = await httpJson<{ ok: boolean; problems: unknown[] }>(w.apiBase, 'GET', '/inventory/reconciliation', undefined, { timeoutMs: 60_000 });
      return r.status === 200 ? r.body : undefined;
    },
    60_000,
    1_000,
  ).catch((err: unknown) => {
    w.problems.push(`reconciliation unavailable: ${(err as Error).message}`);
    return undefined;
  });
  if (rec) {
    reconcile = rec.ok ? 'ok' : `${rec.problems.length} problem(s)`;
    if (!rec.ok) w.problems.push(`reconciliation: ${JSON.stringify(rec.problems.slice(0, 5))}`);
  }

  if (lostIds.length) w.problems.push(`lost orders (accepted, no workflow): ${lostIds.slice(0, 5).join(', ')}`);
  if (dupIds.length) w.problems.push(`orders with more than one workflow: ${dupIds.slice(0, 5).join(', ')}`);
  if (phantomIds.length) w.problems.push(`workflows with no posted order: ${phantomIds.slice(0, 5).join(', ')}`);
  if (failed.length) w.problems.push(`${failed.length} workflow(s) FAILED/TERMINATED/TIMED_OUT: ${failed.slice(0, 3).map((f) => f.execution?.workflowId).join(', ')}`);
  if (oversellRows) w.problems.push(`${oversellRows} stock_levels row(s) out of range`);
  if (overReceived.length) w.problems.push(`shipped + held > received at ${overReceived.map((r) => `${r.warehouse_id}/${r.sku}`).join(', ')}`);
  if (overShippedOrders) w.problems.push(`${overShippedOrders} order(s) shipped more than ordered`);
  if (heldForClosed) w.problems.push(`${heldForClosed} unit(s) held for closed orders`);
  if (w.unanswered.size) w.notes.push(`${w.unanswered.size} order(s) never got 200/202 (client gave up)`);

  return {
    name: w.name,
    fault,
    posted: w.posted.size,
    accepted: w.accepted.size,
    workflows: all.length,
    lost: lostIds.length,
    duplicated: dupIds.length,
    phantom: phantomIds.length,
    failed: failed.length,
    byStatus,
    open: settled.open,
    oversellRows,
    overReceived: overReceived.length,
    overShippedOrders,
    heldForClosed,
    reconcile,
    seconds: (Date.now() - started) / 1000,
    problems: [...w.problems],
    notes: [...w.notes, ...[...w.codes].sort().map(([c, n]) => `${c}: ${n}`)],
  };
}

// ── the runs ───────────────────────────────────────────────────────────────────────

const ADDRESS = { name: 'Fault Run', line1: 'Dam 1', city: 'Amsterdam', postalCode: '1012', country: 'NL' };

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function plainOrders(run: string, n: number, skus: string[], seed: number): OrderBody[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const count = 1 + Math.floor(r() * Math.min(3, skus.length));
    const picked = [...skus].sort(() => r() - 0.5).slice(0, count);
    return {
      orderId: `${run}-${String(i).padStart(4, '0')}`,
      channel: 'faults',
      customer: { id: `c-${i % 17}` },
      shippingAddress: ADDRESS,
      lines: picked.map((sku) => ({ sku, quantity: 1 + Math.floor(r() * 3) })),
    };
  });
}

interface RunDef {
  id: number;
  name: string;
  fault: string;
  options: RunOptions;
  settleMs: number;
  /** Accept orders left idle in a waiting status as settled (default false: every run here ends its orders). */
  allowIdle?: boolean;
  run(w: World, n: number): Promise<void>;
}

const plentiful = (skus: string[], units: number) => Object.fromEntries(skus.map((s) => [s, units]));

/** Signs the HTTP warehouse run's messages (its worker and API get it as INTEGRATION_SECRET). */
const FAULT_SECRET = generateSecret();

const RUNS: RunDef[] = [
  {
    id: 1,
    name: 'kill9-worker',
    fault: 'kill -9 the worker mid-run, start a new one',
    options: { mode: 'simulated', simulatedDelay: '200ms' },
    settleMs: 240_000,
    async run(w, n) {
      const skus = ['K-A', 'K-B', 'K-C', 'K-D'];
      await w.seed(['k-ams', 'k-rtm'], { 'k-ams': plentiful(skus, 400), 'k-rtm': plentiful(skus, 400) });
      await w.postAll(plainOrders('k9', n, skus, 1), {
        perSecond: 25,
        concurrency: 8,
        atHalf: async () => {
          log(`${w.name}: kill -9 worker pid ${w.worker.pid}`);
          await w.worker.kill9();
          await sleep(2_000);
          await w.startWorker();
          log(`${w.name}: new worker pid ${w.worker.pid}`);
        },
      });
    },
  },
  {
    id: 2,
    name: 'temporal-restart',
    fault: 'stop and restart the Temporal dev server (same SQLite file, same port)',
    options: { mode: 'simulated', simulatedDelay: '200ms' },
    settleMs: 240_000,
    async run(w, n) {
      const skus = ['T-A', 'T-B', 'T-C', 'T-D'];
      await w.seed(['t-ams', 't-rtm'], { 't-ams': plentiful(skus, 400), 't-rtm': plentiful(skus, 400) });
      await w.postAll(plainOrders('tr', n, skus, 2), {
        perSecond: 25,
        concurrency: 8,
        atHalf: async () => {
          log(`${w.name}: stopping the dev server ${w.server.address}`);
          const t = Date.now();
          await w.restartTemporal(3_000);
          log(`${w.name}: dev server back after ${fmt((Date.now() - t) / 1000)} s`);
        },
      });
    },
  },
  {
    id: 3,
    name: 'postgres-outage',
    fault: 'Postgres refuses/resets connections for 20 s (TCP proxy)',
    options: { mode: 'simulated', simulatedDelay: '200ms', viaProxy: true },
    settleMs: 240_000,
    async run(w, n) {
      const skus = ['P-A', 'P-B', 'P-C', 'P-D'];
      await w.seed(['p-ams', 'p-rtm'], { 'p-ams': plentiful(skus, 400), 'p-rtm': plentiful(skus, 400) });
      await w.postAll(plainOrders('pg', n, skus, 3), {
        perSecond: 25,
        concurrency: 8,
        atHalf: async () => {
          log(`${w.name}: Postgres unreachable for 20 s`);
          await w.proxy!.refuse(20_000);
          log(`${w.name}: Postgres reachable again (${w.proxy!.resets()} connection(s) reset)`);
        },
      });
    },
  },
  {
    id: 4,
    name: 'cancel-storm',
    fault: 'cancel half the orders at random moments',
    options: { mode: 'simulated', simulatedDelay: '500ms' },
    settleMs: 240_000,
    async run(w, n) {
      const skus = ['C-A', 'C-B', 'C-C', 'C-D'];
      await w.seed(['c-ams', 'c-rtm'], { 'c-ams': plentiful(skus, 400), 'c-rtm': plentiful(skus, 400) });
      const r = rng(4);
      const bodies = plainOrders('cx', n, skus, 4);
      const toCancel = new Set(bodies.filter(() => r() < 0.5).map((b) => b.orderId));
      const answers = new Map<string, number>();
      const cancels: Promise<void>[] = [];
      const origPost = w.post.bind(w);
      w.post = async (body, copies) => {
        await origPost(body, copies);
        if (!toCancel.has(body.orderId) || !w.accepted.has(body.orderId)) return;
        const delay = Math.floor(r() * 15_000);
        cancels.push(
          sleep(delay).then(async () => {
            const a = await httpJson(w.apiBase, 'POST', `/orders/${body.orderId}/cancel`, { reason: 'fault run: cancel storm' }, { timeoutMs: 60_000 });
            answers.set(body.orderId, a.status);
            w.count(`POST cancel ${a.status}`);
            if (a.status !== 200 && a.status !== 409) w.problems.push(`cancel ${body.orderId}: ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
          }),
        );
      };
      await w.postAll(bodies, { perSecond: 25, concurrency: 8 });
      await Promise.all(cancels);
      await w.settle(120_000, false);
      const final = new Map((await w.listOrders()).map((e) => [(e.execution?.workflowId ?? '').replace(/^order-/, ''), String(decodePayload(e.searchAttributes?.indexedFields?.OrderStatus))]));
      for (const [id, code] of answers) {
        const s = final.get(id);
        if (code === 200 && s !== 'cancelled') w.problems.push(`cancel of ${id} answered 200 but the order ended ${s}`);
        if (code === 409 && s === 'cancelled') w.problems.push(`cancel of ${id} answered 409 but the order ended cancelled`);
      }
      w.notes.push(`cancels sent ${answers.size}: 200 ×${[...answers.values()].filter((c) => c === 200).length}, 409 ×${[...answers.values()].filter((c) => c === 409).length}`);
    },
  },
  {
    id: 5,
    name: 'duplicate-storm',
    fault: 'every order POSTed 3× concurrently, every event sent twice (manual mode)',
    options: { mode: 'manual' },
    settleMs: 60_000,
    async run(w, n) {
      const skus = ['D-A', 'D-B', 'D-C', 'D-D'];
      await w.seed(['d-ams', 'd-rtm'], { 'd-ams': plentiful(skus, 400), 'd-rtm': plentiful(skus, 400) });
      const bodies = plainOrders('dup', n, skus, 5);
      const driving = driveEvents(w, 240_000);
      await w.postAll(bodies, { perSecond: 25, concurrency: 8, copies: 3 });
      await driving;
    },
  },
  {
    id: 6,
    name: 'hot-skus',
    fault: 'opposing multi-line orders over 3 hot SKUs, limited stock, a receipt mid-run',
    options: { mode: 'simulated', simulatedDelay: '200ms', env: { BACKORDER_TIMEOUT: '15s' } },
    settleMs: 240_000,
    async run(w, n) {
      const hot = ['H-A', 'H-B', 'H-C'];
      // Demand is about 2 units per SKU per order: stock for ~60% of it, split unevenly.
      const u = Math.max(10, Math.round(n * 0.6));
      await w.seed(['h-ams', 'h-rtm'], {
        'h-ams': { 'H-A': Math.round(u * 0.67), 'H-B': Math.round(u * 0.5), 'H-C': Math.round(u * 0.33) },
        'h-rtm': { 'H-A': Math.round(u * 0.33), 'H-B': Math.round(u * 0.5), 'H-C': Math.round(u * 0.67) },
      });
      const r = rng(6);
      const bodies: OrderBody[] = Array.from({ length: n }, (_, i) => {
        const lines = hot.map((sku) => ({ sku, quantity: 1 + Math.floor(r() * 3) }));
        return {
          orderId: `hot-${String(i).padStart(4, '0')}`,
          channel: 'faults',
          customer: { id: `c-${i % 11}` },
          shippingAddress: ADDRESS,
          // Opposite line orders: A,B,C against C,B,A (and a duplicate SKU line now and then).
          lines: i % 2 === 0 ? lines : [...lines].reverse().concat(i % 10 === 1 ? [{ sku: 'H-B', quantity: 1 }] : []),
        };
      });
      await w.postAll(bodies, {
        perSecond: 40,
        concurrency: 16,
        atHalf: async () => {
          await sleep(2_000);
          await w.receive('h-rtm', 'H-B', 40);
          log(`${w.name}: received 40 × H-B at h-rtm mid-run`);
        },
      });
    },
  },
  {
    id: 7,
    name: 'http-warehouse',
    fault: 'warehouses over HTTP: 1/3 of requests answered 500, every connection reset for 10 s mid-run',
    options: { mode: 'simulated', simulatedDelay: '200ms', env: { INTEGRATION_SECRET: FAULT_SECRET, PICK_TIMEOUT: '10m', PACK_TIMEOUT: '10m' } },
    settleMs: 240_000,
    async run(w, n) {
      const skus = ['W-A', 'W-B', 'W-C', 'W-D'];
      // Plenty at each warehouse for part of the SKUs only, so many orders split across both.
      await w.seed(['w-ams', 'w-rtm'], { 'w-ams': plentiful(skus.slice(0, 3), 400), 'w-rtm': plentiful(skus.slice(1), 400) });
      const wh = await startFaultWarehouse({ secret: FAULT_SECRET, apiBase: w.apiBase, failShare: 1 / 3, random: rng(7), stepDelayMs: 200, problems: w.problems });
      w.cleanup.add('close fault warehouse', () => wh.close());
      for (const [i, id] of ['w-ams', 'w-rtm'].entries()) {
        const r = await httpJson(w.apiBase, 'PUT', `/warehouses/${id}`, { name: `Faults ${id}`, priority: i + 1, fulfillmentUrl: `${wh.server.url}/wms/${id}` });
        if (r.status !== 200) throw new Error(`PUT /warehouses/${id} with a fulfillmentUrl: ${r.status} ${JSON.stringify(r.body)}`);
      }
      await w.postAll(plainOrders('hw', n, skus, 7), {
        perSecond: 25,
        concurrency: 8,
        atHalf: async () => {
          wh.resetUntil = Date.now() + 10_000;
          log(`${w.name}: warehouse resets every connection for 10 s`);
          await sleep(10_000);
        },
      });
      // Until every accepted order is delivered (or the bound): the warehouse keeps reporting.
      await waitFor('every accepted order delivered', async () => ((await w.listOrders(`OrderStatus = 'delivered'`)).length >= w.accepted.size ? true : undefined), 240_000, 1_000).catch(() => undefined);
      await wh.drain();
      const records = await mapLimit([...w.accepted], 8, async (id) => {
        const r = await httpJson<{ fulfillments?: { fulfillmentId: string; warehouseId: string }[] }>(w.apiBase, 'GET', `/orders/${id}`);
        return [id, r.body?.fulfillments ?? []] as const;
      });
      let fulfillments = 0;
      for (const [orderId, fs] of records) {
        const got = wh.accepted.get(orderId) ?? new Map<string, Set<string>>();
        fulfillments += fs.length;
        for (const [fid, ids] of got) if (ids.size !== 1) w.problems.push(`order ${orderId}: fulfillment ${fid} requested under ${ids.size} different ids`);
        const expected = fs.map((f) => f.fulfillmentId).sort().join(',');
        const received = [...got.keys()].sort().join(',');
        if (expected !== received) w.problems.push(`order ${orderId}: the warehouse took fulfillments [${received}], the order has [${expected}]`);
      }
      const st = wh.stats;
      w.notes.push(
        `warehouse saw ${st.requests} requests: ${st.answered500} answered 500, ${st.reset} reset, ${st.accepted} fulfillments taken (${fulfillments} in the orders), ${st.repeats} repeats of a taken id; ${st.eventsPosted} events posted back, ${st.eventFailures} not taken; unverified ${wh.server.messages.filter((m) => !m.verified).length}`,
      );
      if (wh.server.messages.some((m) => !m.verified)) w.problems.push('the warehouse received unsigned or badly signed messages');
    },
  },
  {
    id: 8,
    name: 'webhook-flaps',
    fault: 'a webhook subscriber to every event type flaps: connection refused / 500 / slow (at times past the 10 s timeout) / ok',
    // Backoff 0.5 s doubling to 4 s: with the default 10 s → 1 h a delivery unlucky a few times would wait out the run.
    options: { mode: 'simulated', simulatedDelay: '200ms', env: { WEBHOOK_POLL_INTERVAL: '250ms', WEBHOOK_RETRY_BASE: '500ms', WEBHOOK_RETRY_MAX: '4s' } },
    settleMs: 240_000,
    async run(w, n) {
      const skus = ['E-A', 'E-B', 'E-C', 'E-D'];
      // Subscribed before the stock arrives, so the receipts' inventory events are part of the run.
      const port = await freePort();
      const sub = await subscribeAll(w.apiBase, `http://127.0.0.1:${port}/hooks`);
      w.cleanup.add('delete the webhook subscription', () => httpJson(w.apiBase, 'DELETE', `/webhooks/${sub.id}`));
      const rx = await startFlappingReceiver({ port, secret: sub.secret, phaseMs: 3_000, random: rng(8) });
      w.cleanup.add('close the webhook receiver', () => rx.close());
      await w.seed(['e-ams', 'e-rtm'], { 'e-ams': plentiful(skus, 400), 'e-rtm': plentiful(skus, 400) });
      await w.postAll(plainOrders('wh', n, skus, 8), { perSecond: 25, concurrency: 8 });
      await waitFor('every accepted order delivered', async () => ((await w.listOrders(`OrderStatus = 'delivered'`)).length >= w.accepted.size ? true : undefined), 240_000, 1_000).catch(() => undefined);
      await rx.steady();
      const check = { knex: w.knex, apiBase: w.apiBase, subscriptionId: sub.id, receiver: rx, accepted: w.accepted, problems: w.problems, notes: w.notes };
      const drained = await waitDrained(check, 120_000);
      log(`${w.name}: orders delivered, receiver steady after ${rx.stats.phases} phases; outbox drained ${fmt(drained)} s later`);
      w.notes.push(`outbox drained ${fmt(drained)} s after the receiver became steady`);
      await checkNoEventLost(check);
    },
  },
];

/** Manual mode: sends each fitting event twice, concurrently, until every accepted order is delivered. */
async function driveEvents(w: World, timeoutMs: number): Promise<void> {
  const STEPS: [string, (id: string) => Record<string, unknown>][] = [
    ['picking', () => ({ type: 'picked' })],
    ['packing', () => ({ type: 'packed' })],
    ['shipping', (id) => ({ type: 'shipped', carrier: 'FaultPost', trackingNumber: `FP-${id}` })],
    ['shipped', () => ({ type: 'delivered' })],
  ];
  const sent = new Set<string>();
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    let progress = 0;
    for (const [status, event] of STEPS) {
      const r = await httpJson<{ orders?: { orderId: string }[] }>(w.apiBase, 'GET', `/orders?status=${status}&limit=500`);
      const ids = (r.body?.orders ?? []).map((o) => o.orderId).filter((id) => !sent.has(`${id}:${status}`));
      await mapLimit(ids, 8, async (id) => {
        sent.add(`${id}:${status}`);
        progress++;
        const body = event(id);
        const answers = await Promise.all([0, 1].map(() => httpJson(w.apiBase, 'POST', `/orders/${id}/events`, body, { timeoutMs: 60_000 })));
        for (const a of answers) w.count(`event ${String(body.type)} ${a.status}`);
        const bad = answers.filter((a) => a.status !== 200);
        if (bad.length) w.problems.push(`event ${String(body.type)} ×2 to ${id}: ${answers.map((a) => a.status).join('/')} ${JSON.stringify(bad[0].body).slice(0, 160)}`);
      });
    }
    const delivered = await w.listOrders(`OrderStatus = 'delivered'`);
    if (w.accepted.size > 0 && delivered.length >= w.accepted.size && w.posted.size === w.accepted.size + w.unanswered.size) {
      const open = await w.listOrders(`ExecutionStatus = 'Running'`);
      if (open.length === 0) return;
    }
    if (progress === 0) await sleep(500);
  }
  w.problems.push(`event driver: not every order delivered within ${timeoutMs / 1000} s`);
}

// ── main ─────────────────────────────────────────────────────────────────────────────

function formatTable(results: RunResult[]): string {
  const statusCell = (r: RunResult) =>
    Object.entries(r.byStatus)
      .sort((a, b) => b[1] - a[1])
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
  return [
    '| # | run | accepted/posted | workflows | lost | dup | FAILED | final statuses | open at end | oversell rows | shipped+held>received | over-shipped orders | held for closed | reconciliation | s | verdict |',
    '|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---:|---|',
    ...results.map(
      (r, i) =>
        `| ${r.id ?? i + 1} | ${r.name} | ${r.accepted}/${r.posted} | ${r.workflows} | ${r.lost} | ${r.duplicated} | ${r.failed} | ${statusCell(r)} | ${r.open} | ${r.oversellRows} | ${r.overReceived} | ${r.overShippedOrders} | ${r.heldForClosed} | ${r.reconcile} | ${fmt(r.seconds, 0)} | ${r.problems.length === 0 ? 'ok' : `**${r.problems.length} problem(s)**`} |`,
    ),
  ].join('\n');
}

async function runOne(def: RunDef, n: number): Promise<RunResult> {
  const cleanup = new Cleanup();
  const started = Date.now();
  const w = new World(def.name, cleanup, def.options);
  try {
    log(`run ${def.id} ${def.name}: ${def.fault}`);
    await w.start();
    await def.run(w, n);
    const settled = await w.settle(def.settleMs, def.allowIdle ?? false);
    log(`${def.name}: settled in ${fmt(settled.seconds)} s (${settled.open} open, ${settled.idle} idle)`);
    // Expected ends: plain runs deliver everything accepted; the cancel storm cancels or delivers.
    const result = await check(w, def.fault, started, settled);
    if ([1, 2, 3, 5, 7, 8].includes(def.id)) {
      const delivered = result.byStatus.delivered ?? 0;
      if (delivered !== result.accepted) w.problems.push(`${result.accepted - delivered} accepted order(s) not delivered: ${JSON.stringify(result.byStatus)}`);
    }
    if (def.id === 4) {
      const other = Object.keys(result.byStatus).filter((s) => s !== 'delivered' && s !== 'cancelled');
      if (other.length) w.problems.push(`cancel storm ended with statuses other than delivered/cancelled: ${other.join(', ')}`);
    }
    if (def.id === 6) {
      const other = Object.keys(result.byStatus).filter((s) => !['delivered', 'timed_out'].includes(s));
      if (other.length) w.problems.push(`hot SKUs ended with statuses other than delivered/timed_out: ${other.join(', ')}`);
    }
    result.problems = [...w.problems];
    result.id = def.id;
    if (result.problems.length) {
      log(`${def.name}: worker log tail:\n  ${w.worker.logs.slice(-15).join('\n  ')}`);
      log(`${def.name}: api log tail:\n  ${w.api.logs.slice(-10).join('\n  ')}`);
    }
    return result;
  } catch (err) {
    w.problems.push(`run aborted: ${(err as Error).stack ?? String(err)}`);
    return {
      id: def.id,
      name: def.name,
      fault: def.fault,
      posted: w.posted.size,
      accepted: w.accepted.size,
      workflows: NaN,
      lost: NaN,
      duplicated: NaN,
      phantom: NaN,
      failed: NaN,
      byStatus: {},
      open: NaN,
      oversellRows: NaN,
      overReceived: NaN,
      overShippedOrders: NaN,
      heldForClosed: NaN,
      reconcile: 'n/a',
      seconds: (Date.now() - started) / 1000,
      problems: [...w.problems],
      notes: [...w.notes],
    };
  } finally {
    await cleanup.run();
  }
}

async function main(): Promise<number> {
  const only = new Set((process.env.FAULTS_ONLY ?? '1,2,3,4,5,6,7,8').split(',').map((s) => Number(s.trim())));
  const n = envInt('FAULTS_ORDERS', 200);
  const results: RunResult[] = [];
  const abort = new Cleanup();
  abort.installSignalHandlers();
  for (const def of RUNS.filter((d) => only.has(d.id))) {
    const result = await runOne(def, n);
    results.push(result);
    log(`${def.name}: ${result.problems.length === 0 ? 'ok' : `${result.problems.length} problem(s)`} in ${fmt(result.seconds, 0)} s`);
    for (const p of result.problems.slice(0, 20)) log(`  PROBLEM ${p}`);
    for (const note of result.notes) log(`  note: ${note}`);
  }
  console.log(`\n## Fault runs (${new Date().toISOString()}, ${n} orders per run)\n`);
  console.log(formatTable(results));
  const bad = results.filter((r) => r.problems.length > 0);
  console.log(bad.length === 0 ? '\nall runs ok' : `\n${bad.length} run(s) found problems: ${bad.map((r) => r.name).join(', ')}`);
  return bad.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
