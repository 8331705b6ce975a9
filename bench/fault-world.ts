/**
 * The fault runs' harness: one run's world (scratch database, its own dev server, the product
 * as separate worker and API processes, optionally Postgres behind a TCP proxy) and the
 * careful HTTP client that drives it. The runs (fault-runs-*.ts) inject their fault through it.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { Knex } from 'knex';
import { createKnex } from '../platform/database';
import { decodePayload } from '../platform/payload';
import { freePort, startDevServer } from '../platform/dev-server';
import { benchTempDir, type Cleanup, hex, mapLimit, scratchDatabase, sleep, startBenchDevServer, temporalCliPath, type BenchDevServer } from './common';
import { sendFailover, sendPolitely } from './http';
import { spawnProduct, waitApiReady, waitWorkerReady, type ProductProcess } from './processes';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

export type ExecInfo = temporal.api.workflow.v1.IWorkflowExecutionInfo;
export type Line = { sku: string; quantity: number };
export interface OrderBody {
  orderId: string;
  channel: string;
  customer: { id: string };
  shippingAddress: { name: string; line1: string; city: string; postalCode: string; country: string };
  lines: Line[];
}

export const log = (line: string) => console.log(`[faults] ${line}`);

/** The roles the fault runs call the API as: integrations (orders, events), people (cancels), the operator (catalog, stock, webhooks). */
export type CallerRole = 'system' | 'support' | 'admin';
const WAITING = new Set(['awaiting_stock', 'picking', 'packing', 'shipping', 'shipped', 'needs_attention']);

// ── one run's world ────────────────────────────────────────────────────────────────

export interface RunOptions {
  mode: 'simulated' | 'manual';
  simulatedDelay?: string;
  viaProxy?: boolean;
  env?: Record<string, string>;
  /** Worker and API processes on the one dev server and database (fault run 10); default one of each. */
  replicas?: { workers: number; apis: number };
}

export class World {
  server!: BenchDevServer;
  client!: Client;
  connection!: Connection;
  /** The last worker started, and the first API (the one the harness seeds and checks through). */
  worker!: ProductProcess;
  api!: ProductProcess;
  apiBase = '';
  /** Every worker and API process started, and each API's base, in start order. */
  readonly workers: ProductProcess[] = [];
  readonly apis: ProductProcess[] = [];
  readonly apiBases: string[] = [];
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
  private started = 0;
  /** API keys per role: the product runs with authentication on, as in production, so its per-role limits apply. */
  readonly keys: Record<CallerRole, string> = { system: `faults-system-${hex()}${hex()}`, support: `faults-support-${hex()}${hex()}`, admin: `faults-admin-${hex()}${hex()}` };

  constructor(
    readonly name: string,
    readonly cleanup: Cleanup,
    readonly opts: RunOptions,
  ) {}

  /** The Authorization header of a role's key. */
  auth(role: CallerRole): Record<string, string> {
    return { authorization: `Bearer ${this.keys[role]}` };
  }

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
      // The request to the warehouse and the label purchase retry until these deadlines
      // (docs/design.md §10); 2 min was shorter than a Postgres outage plus the backlog behind it
      // on a loaded machine (fault run 3 parked an order). No run expects a pick or pack timeout.
      PICK_TIMEOUT: '10m',
      PACK_TIMEOUT: '10m',
      DELIVERY_TIMEOUT: '120s',
      ATTENTION_TIMEOUT: '30m',
      REAPER_INTERVAL: '5s',
      SHUTDOWN_GRACE: '5s',
      METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
      // Keys on (a production requirement); loopback only all the same.
      API_KEYS: Object.entries(this.keys).map(([role, key]) => `${key}:${role}`).join(','),
      HOST: '127.0.0.1',
      ...this.opts.env,
    };
    const replicas = this.opts.replicas ?? { workers: 1, apis: 1 };
    for (let i = 0; i < replicas.workers; i++) await this.startWorker();
    for (let i = 0; i < replicas.apis; i++) {
      const port = i === 0 ? apiPort : await freePort();
      const api = spawnProduct('api', { ...this.env, PORT: String(port) }, this.cleanup, `${this.name}-api${i === 0 ? '' : i + 1}`);
      this.apis.push(api);
      this.apiBases.push(`http://127.0.0.1:${port}`);
      await waitApiReady(api, this.apiBases[i]);
    }
    this.api = this.apis[0];
  }

  async startWorker(): Promise<void> {
    // info: the worker's ready line ("worker running") is logged at info.
    this.worker = spawnProduct('worker', { ...this.env, LOG_LEVEL: 'info' }, this.cleanup, `${this.name}-worker${++this.started}`);
    this.workers.push(this.worker);
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
      const r = await sendPolitely(this.apiBase, 'PUT', `/warehouses/${id}`, { name: `Faults ${id}`, priority: i + 1, active: true }, { headers: this.auth('admin') });
      if (r.status >= 300) throw new Error(`PUT /warehouses/${id}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    const skus = new Set(Object.values(stock).flatMap((s) => Object.keys(s)));
    for (const sku of skus) {
      const r = await sendPolitely(this.apiBase, 'PUT', `/skus/${sku}`, { name: `Faults ${sku}` }, { headers: this.auth('admin') });
      if (r.status >= 300) throw new Error(`PUT /skus/${sku}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    for (const [warehouseId, perSku] of Object.entries(stock)) {
      for (const [sku, quantity] of Object.entries(perSku)) if (quantity > 0) await this.receive(warehouseId, sku, quantity);
    }
  }

  async receive(warehouseId: string, sku: string, quantity: number): Promise<void> {
    const key = `rcpt-${hex()}`;
    for (let attempt = 0; attempt < 20; attempt++) {
      const r = await sendPolitely(this.apiBase, 'POST', '/inventory/receipts', { warehouseId, sku, quantity, reference: 'faults' }, { headers: { 'Idempotency-Key': key, ...this.auth('admin') } });
      if (r.status === 201) return;
      if (r.status < 500 && r.status !== 0) throw new Error(`receipt ${sku}@${warehouseId}: ${r.status} ${JSON.stringify(r.body)}`);
      await sleep(1_000);
    }
    throw new Error(`receipt ${sku}@${warehouseId}: no 201 after 20 attempts`);
  }

  /**
   * POST /orders like a careful channel: the same body again on 5xx / no answer (bounded), after Retry-After on 429 / 503.
   * With several APIs, the `via`-th (round robin) first, and the same request to another one on no answer / 5xx.
   */
  async post(body: OrderBody, copies = 1, via = 0): Promise<void> {
    this.posted.set(body.orderId, body);
    const deadline = Date.now() + 120_000;
    for (let attempt = 0; attempt < 40 && Date.now() < deadline; attempt++) {
      const answers = await Promise.all(
        Array.from({ length: copies }, () => {
          const opts = { timeoutMs: 20_000, headers: this.auth('system'), deadline, onRetry: (a: { status: number }) => this.count(`POST /orders ${a.status} (sent again)`) };
          return this.apiBases.length > 1 ? sendFailover(this.apiBases, via + attempt, 'POST', '/orders', body, opts) : sendPolitely(this.apiBase, 'POST', '/orders', body, opts);
        }),
      );
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
      await this.post(body, opts.copies ?? 1, i);
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

export interface RunDef {
  id: number;
  name: string;
  fault: string;
  options: RunOptions;
  settleMs: number;
  /** Accept orders left idle in a waiting status as settled (default false: every run here ends its orders). */
  allowIdle?: boolean;
  run(w: World, n: number): Promise<void>;
}
