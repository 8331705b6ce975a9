/**
 * Shared set-up for the API suites: a Config built from an explicit env, the app on a
 * real ledger (the run's Postgres) and a real Temporal client, optionally a real worker
 * from createWorker on the suite's own task queue.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Express } from 'express';
import type { Knex } from 'knex';
import request from 'supertest';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, type NativeConnection, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadConfig, type Config, type Role } from '../../config/config';
import { createLedger } from '../../ledger/ledger';
import { createReturnRecords, type OrderRecords } from '../../orders';
import { createRecordsWithEvents } from '../../app/order-records';
import { createStockMotionRecords } from '../../app/stock-motion-records';
import type { Ledger } from '../../ledger/types';
import { createWorker } from '../../worker/create-worker';
import { warehouseSecretStore } from '../../integrations/stored-secrets';
import { createApp, type AppDeps, type AppTimeouts } from '../../api/app';
import { createOrderServices, type OrderServices } from '../../app/services';
import { silentLogger, type Logger } from '../../platform/logger';
import { testKnex } from './db';
import { dataConverter } from '../../platform/payload-codec';
import { connectClient, connectWorker, temporalEnv, uniqueTaskQueue } from './temporal';

export const KEYS: Record<Role, string> = {
  system: 'key-system-0123456789',
  support: 'key-support-0123456789',
  ops: 'key-ops-0123456789',
  admin: 'key-admin-0123456789',
};
export const API_KEYS_ENV = Object.entries(KEYS)
  .map(([role, key]) => `${key}:${role}`)
  .join(',');

export const as = (role: Role) => ({ Authorization: `Bearer ${KEYS[role]}` });

export const uid = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;

/** Manual adapters, short timeouts, auth on: override per suite. */
export function apiTestConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    WAREHOUSE_MODE: 'manual',
    CARRIER_MODE: 'manual',
    SIMULATED_DELAY: '0',
    TASK_QUEUE: uniqueTaskQueue('api'),
    API_KEYS: API_KEYS_ENV,
    TEMPORAL_UI_URL: 'http://temporal-ui.test:8233',
    BACKORDER_TIMEOUT: '10m',
    PICK_TIMEOUT: '10m',
    PACK_TIMEOUT: '10m',
    DELIVERY_TIMEOUT: '10m',
    ATTENTION_TIMEOUT: '10m',
    LOG_LEVEL: 'error',
    ...env,
  });
}

let bundlePromise: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Once per test file (jest loads modules per file). */
export function orderWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  const noop = () => undefined;
  bundlePromise ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error },
  });
  return bundlePromise;
}

/** What `request()` takes: an app (supertest listens per request) or a listening server (used as is). */
export type TestApp = Express | http.Server;

export interface ApiHarness {
  /**
   * The app listening on 127.0.0.1 for the whole suite. `request(h.app)` sends to it as is; given the
   * express app, supertest would listen on a fresh port for every request and close it after.
   */
  app: http.Server;
  /** The express app itself: its router, or a server of the test's own. */
  express: Express;
  config: Config;
  ledger: Ledger;
  records: OrderRecords;
  knex: Knex;
  client: Client;
  connection: Connection;
  worker?: Worker;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Run a real worker on the config's task queue. */
  worker?: boolean;
  logger?: Logger;
  timeouts?: AppTimeouts;
  /** Replace parts of the app's dependencies (failure injection). */
  override?: (deps: AppDeps) => AppDeps;
}

export async function startApi(opts: HarnessOptions = {}): Promise<ApiHarness> {
  const config = apiTestConfig(opts.env);
  const knex = testKnex(5);
  const ledger = createLedger(knex);
  const records = createRecordsWithEvents(knex, config.cursorSecret);
  const returns = createReturnRecords(knex, records);
  const stockMotion = createStockMotionRecords(knex, config.cursorSecret);
  // The same codec as production wiring whenever the suite's env sets PAYLOAD_ENCRYPTION_KEYS.
  const converter = dataConverter(config.security.encryptionKeys);
  const { client, connection } = await connectClient(converter);
  let worker: Worker | undefined;
  let workerConnection: NativeConnection | undefined;
  let running: Promise<void> | undefined;
  if (opts.worker) {
    workerConnection = await connectWorker();
    worker = await createWorker({
      connection: workerConnection,
      client,
      namespace: temporalEnv().namespace,
      taskQueue: config.taskQueue,
      ledger,
      records,
      returns,
      stockMotion,
      config,
      warehouseSecrets: warehouseSecretStore(knex, config.secrets.key),
      workflowBundle: await orderWorkflowBundle(),
      startReaper: false,
      shutdownGraceTime: '1s',
      dataConverter: converter,
    });
    running = worker.run();
  }
  let deps: AppDeps = {
    config,
    ledger,
    records,
    knex,
    stockMotion,
    client,
    ...createOrderServices({ client, namespace: temporalEnv().namespace, taskQueue: config.taskQueue, ledger, records, log: opts.logger ?? silentLogger, signalTimeoutMs: opts.timeouts?.rpcMs ?? 5_000 }),
    logger: opts.logger ?? silentLogger,
    timeouts: { queryMs: 5_000, updateMs: 20_000, rpcMs: 5_000, healthMs: 1_500, ...opts.timeouts },
  };
  if (opts.override) deps = opts.override(deps);
  const express = createApp(deps);
  const server = http.createServer(express);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    app: server,
    express,
    config,
    ledger,
    records,
    knex,
    client,
    connection,
    worker,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      if (worker && running) {
        worker.shutdown();
        await running.catch(() => undefined);
      }
      await workerConnection?.close();
      await connection.close();
      await knex.destroy();
    },
  };
}

/** A minimal valid order body. */
export function orderBody(lines: Array<{ sku: string; quantity: number }>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    channel: 'web',
    customer: { id: uid('cust'), email: 'ada@example.com', name: 'Ada Lovelace' },
    shippingAddress: { name: 'Ada Lovelace', line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
    lines,
    ...overrides,
  };
}

/** A warehouse and a SKU (unique ids), with `quantity` units received, over HTTP. */
export async function seedStock(app: TestApp, quantity: number, opts: { warehouseId?: string; sku?: string; priority?: number } = {}): Promise<{ warehouseId: string; sku: string }> {
  const warehouseId = opts.warehouseId ?? uid('wh');
  const sku = opts.sku ?? uid('SKU');
  await request(app).put(`/warehouses/${warehouseId}`).set(as('admin')).send({ name: `Warehouse ${warehouseId}`, priority: opts.priority ?? 1 }).expect((r) => {
    if (r.status !== 201 && r.status !== 200) throw new Error(`PUT warehouse: ${r.status} ${JSON.stringify(r.body)}`);
  });
  await request(app).put(`/skus/${sku}`).set(as('admin')).send({ name: `Thing ${sku}` }).expect((r) => {
    if (r.status !== 201 && r.status !== 200) throw new Error(`PUT sku: ${r.status} ${JSON.stringify(r.body)}`);
  });
  if (quantity > 0) {
    await request(app).post('/inventory/receipts').set(as('admin')).send({ warehouseId, sku, quantity }).expect(201);
  }
  return { warehouseId, sku };
}

/** The stock waker and closed-order check createApp takes, built as the composition root builds them. */
export function appServices(client: Client, ledger: Pick<Ledger, 'ordersAwaiting'>, records: Pick<OrderRecords, 'statuses'>, signalTimeoutMs?: number): OrderServices {
  return createOrderServices({ client, namespace: client.options.namespace ?? 'default', taskQueue: 'api-test', ledger, records, log: silentLogger, signalTimeoutMs });
}

/**
 * A Temporal client on a lazy connection to a closed port: every call fails UNAVAILABLE.
 * Without the SDK's retry interceptor: its backoff timers outlive the call's deadline and
 * would fire on a closed channel after the suite ends.
 */
export function unreachableTemporalClient(): Client {
  const connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s', interceptors: [] });
  return new Client({ connection, namespace: 'default' });
}
