/**
 * Shared by the order workflow suites: a worker per suite (own task queue, the real ledger
 * on the run's database), unique warehouses/SKUs per test, order inputs, polling helpers
 * and the per-test ledger checks (adapter doubles: recording-adapters.ts).
 */
import { randomBytes } from 'node:crypto';
import { WorkflowUpdateFailedError, type Client, type Connection, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, type NativeConnection, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Knex } from 'knex';
import type { OrderTimeouts } from '../../config/config';
import { createLedger } from '../../ledger/ledger';
import { createRecordsWithEvents } from '../../app/order-records';
import type { Ledger, OrderLine, ReconciliationReport } from '../../ledger/types';
import { createClosedOrdersCheck } from '../../clients/order-closed';
import { createWorker, type CreateWorkerDeps } from '../../worker/create-worker';
import type { orderWorkflow } from '../../workflows';
import { statusQuery } from '../../workflows/order/messages';
import { orderStartOptions } from '../../workflows/order/start-options';
import type { OrderInput, OrderStatus, OrderView } from '../../domain/types';
import { testKnex } from './db';
import { connectClient, connectWorker, eventually, uniqueTaskQueue } from './temporal';

export { eventually };

export const uid = (): string => randomBytes(4).toString('hex');

/** Long enough never to fire during a test; each timeout test shortens the one it tests. */
export const LONG_TIMEOUTS: OrderTimeouts = {
  backorderMs: 3_600_000,
  pickMs: 3_600_000,
  packMs: 3_600_000,
  deliveryMs: 3_600_000,
  attentionMs: 3_600_000,
};

export type OrderHandle = WorkflowHandle<typeof orderWorkflow>;

export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  const noop = () => undefined;
  return bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error },
  });
}

/** A workflow's history as its event types, in order, without the EVENT_TYPE_ prefix. */
export async function historyEventTypes(handle: OrderHandle): Promise<string[]> {
  const { events } = await handle.fetchHistory();
  return (events ?? []).map((e) => String(temporal.api.enums.v1.EventType[e.eventType ?? 0]).replace('EVENT_TYPE_', ''));
}

/**
 * The hooks a workflow test file registers in a describe: the workflows bundled and an
 * OrderSuite started before its tests, stopped after them, and the SKUs each test pushes to
 * `owned` reconciled after it (no problem allowed).
 */
export function orderSuiteHooks(start: (bundle: WorkflowBundleWithSourceMap) => Promise<OrderSuite>): {
  readonly suite: OrderSuite;
  readonly bundle: WorkflowBundleWithSourceMap;
  owned: string[];
} {
  let suite: OrderSuite | undefined;
  let bundle: WorkflowBundleWithSourceMap | undefined;
  const owned: string[] = [];
  beforeAll(async () => {
    bundle = await bundleWorkflows();
    suite = await start(bundle);
  });
  afterAll(async () => {
    await suite?.stop();
  });
  afterEach(async () => {
    const report = await suite!.reconcile(owned.splice(0));
    expect(report.problems).toEqual([]);
  });
  return {
    get suite() {
      return suite!;
    },
    get bundle() {
      return bundle!;
    },
    owned,
  };
}

export interface SeededStock {
  /** Warehouse ids, in the order given (priority 1, 2, …). */
  warehouses: string[];
  /** SKU ids, in the order given. */
  skus: string[];
}

export interface SuiteOptions {
  name: string;
  bundle: WorkflowBundleWithSourceMap;
  warehouseMode?: 'simulated' | 'manual';
  carrierMode?: 'simulated' | 'manual';
  simulatedDelayMs?: number;
  startReaper?: boolean;
  reaperIntervalMs?: number;
  adapters?: CreateWorkerDeps['adapters'];
  /** Wraps the real ledger handed to the activities (tests gate or observe calls). */
  wrapLedger?: (ledger: Ledger) => Ledger;
  /** INTEGRATION_SECRET and CARRIER_URL for the worker (HTTP warehouses and carrier). */
  integration?: { secret?: string; carrierUrl?: string };
}

/** One worker on its own task queue, the clients, and the real ledger for one test file. */
export class OrderSuite {
  private started: OrderHandle[] = [];
  private running?: Promise<void>;
  readonly isClosed;

  private constructor(
    readonly taskQueue: string,
    readonly client: Client,
    private readonly connection: Connection,
    private readonly workerConnection: NativeConnection,
    readonly knex: Knex,
    readonly ledger: Ledger,
    readonly worker: Worker,
  ) {
    this.isClosed = createClosedOrdersCheck(client, 'default');
  }

  static async start(opts: SuiteOptions): Promise<OrderSuite> {
    const taskQueue = uniqueTaskQueue(opts.name);
    const { client, connection } = await connectClient();
    const workerConnection = await connectWorker();
    const knex = testKnex(5);
    const ledger = createLedger(knex);
    const records = createRecordsWithEvents(knex, 'order-suite-cursor-secret');
    const worker = await createWorker({
      connection: workerConnection,
      client,
      namespace: 'default',
      taskQueue,
      ledger: opts.wrapLedger ? opts.wrapLedger(ledger) : ledger,
      records,
      config: {
        warehouseMode: opts.warehouseMode ?? 'simulated',
        carrierMode: opts.carrierMode ?? 'simulated',
        simulatedDelayMs: opts.simulatedDelayMs ?? 50,
        reaperIntervalMs: opts.reaperIntervalMs ?? 60_000,
        integration: { secret: opts.integration?.secret, carrierUrl: opts.integration?.carrierUrl },
      },
      workflowBundle: opts.bundle,
      startReaper: opts.startReaper ?? false,
      adapters: opts.adapters,
      shutdownGraceTime: '1s',
    });
    const suite = new OrderSuite(taskQueue, client, connection, workerConnection, knex, ledger, worker);
    suite.running = worker.run();
    return suite;
  }

  /** Terminates what a failed test left running, drains the worker, closes everything. */
  async stop(): Promise<void> {
    for (const handle of this.started) {
      const d = await handle.describe().catch(() => undefined);
      if (d?.status.name === 'RUNNING') await handle.terminate('test cleanup').catch(() => undefined);
    }
    if (this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running?.catch(() => undefined);
    await this.workerConnection.close();
    await this.connection.close();
    await this.knex.destroy();
  }

  /**
   * Unique warehouses (priority = position) and SKUs, with `stock[w][s]` units of SKU s
   * received at warehouse w (0 or missing: none).
   */
  async seed(spec: { warehouses: number; skus: number; stock: number[][] }): Promise<SeededStock> {
    const run = uid();
    const warehouses = Array.from({ length: spec.warehouses }, (_, i) => `WH-${run}-${i + 1}`);
    const skus = Array.from({ length: spec.skus }, (_, i) => `SKU-${run}-${i + 1}`);
    for (const [i, id] of warehouses.entries()) await this.ledger.upsertWarehouse({ id, name: `Test ${id}`, priority: i + 1, active: true });
    for (const sku of skus) await this.ledger.upsertSku({ sku, name: `Test ${sku}` });
    for (const [w, row] of spec.stock.entries()) {
      for (const [s, quantity] of row.entries()) {
        if (quantity > 0) await this.receive(warehouses[w], skus[s], quantity);
      }
    }
    return { warehouses, skus };
  }

  /** Points a warehouse at an HTTP service (null: back to the suite's warehouse mode). */
  async setFulfillmentUrl(warehouseId: string, fulfillmentUrl: string | null): Promise<void> {
    const current = (await this.ledger.listWarehouses()).find((w) => w.id === warehouseId);
    if (!current) throw new Error(`no warehouse ${warehouseId}`);
    await this.ledger.upsertWarehouse({ id: warehouseId, name: current.name, fulfillmentUrl });
  }

  receive(warehouseId: string, sku: string, quantity: number) {
    return this.ledger.receive({ warehouseId, sku, quantity, key: `test-receipt-${uid()}`, reference: 'test' });
  }

  async startOrder(input: OrderInput): Promise<OrderHandle> {
    const handle = await this.client.workflow.start<typeof orderWorkflow>('orderWorkflow', {
      ...orderStartOptions(input, this.taskQueue),
      workflowExecutionTimeout: '3m',
    });
    this.started.push(handle);
    return handle;
  }

  /** Polls the status query until the order shows `status` (or one of them). */
  async waitForStatus(handle: OrderHandle, status: OrderStatus | OrderStatus[], timeoutMs = 20_000): Promise<OrderView> {
    const wanted = Array.isArray(status) ? status : [status];
    let last: OrderStatus | undefined;
    try {
      return await eventually(
        async () => {
          const view = await handle.query(statusQuery);
          last = view.status;
          return wanted.includes(view.status) ? view : undefined;
        },
        timeoutMs,
        100,
      );
    } catch (err) {
      throw new Error(`order ${handle.workflowId} did not reach ${wanted.join('|')} (last: ${last}): ${(err as Error).message}`);
    }
  }

  /** Available units per warehouse of one SKU: { [warehouseId]: available }. */
  async available(sku: string): Promise<Record<string, number>> {
    const levels = await this.ledger.levels(sku);
    return Object.fromEntries((levels?.levels ?? []).map((l) => [l.warehouseId, l.available]));
  }

  async levels(sku: string): Promise<Record<string, { onHand: number; reserved: number }>> {
    const levels = await this.ledger.levels(sku);
    return Object.fromEntries((levels?.levels ?? []).map((l) => [l.warehouseId, { onHand: l.onHand, reserved: l.reserved }]));
  }

  /** Reconciliation (with the closed-workflow check) of the SKUs a test owns. */
  reconcile(skus: string[]): Promise<ReconciliationReport> {
    return this.ledger.reconcile(this.isClosed, { skus });
  }

  async heldUnits(orderId: string): Promise<number> {
    const rows = await this.ledger.reservations(orderId);
    return rows.filter((r) => r.status === 'held').reduce((n, r) => n + r.quantity, 0);
  }
}

export function orderInput(opts: {
  lines: OrderLine[];
  timeouts?: Partial<OrderTimeouts>;
  orderId?: string;
  channel?: string;
  customerId?: string;
  shippingMethod?: 'standard' | 'express';
  shippingAddress?: Partial<OrderInput['shippingAddress']>;
}): OrderInput {
  return {
    orderId: opts.orderId ?? `T-${uid()}`,
    channel: opts.channel ?? 'web',
    customer: { id: opts.customerId ?? `C-${uid()}`, email: 'ada@example.com', name: 'Ada Lovelace' },
    shippingAddress: {
      name: 'Ada Lovelace',
      line1: '12 St James Square',
      city: 'London',
      postalCode: 'SW1Y 4JH',
      country: 'GB',
      ...opts.shippingAddress,
    },
    lines: opts.lines,
    shippingMethod: opts.shippingMethod ?? 'standard',
    timeouts: { ...LONG_TIMEOUTS, ...opts.timeouts },
  };
}

/** The ApplicationFailure an Update was refused with (validator or handler). */
export async function updateRefusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return err.cause;
    throw err;
  }
  throw new Error('the update was accepted');
}
