import { createOrderRecords } from '../orders';
import type { Client, Connection } from '@temporalio/client';
import type { Knex } from 'knex';
import request from 'supertest';
import { createApp } from '../api/app';
import { silentLogger } from '../platform/logger';
import { loadConfig } from '../config/config';
import { freePort } from '../platform/dev-server';
import { createLedger } from '../ledger/ledger';
import type { Ledger } from '../ledger/types';
import { orderStartOptions } from '../workflows/order/start-options';
import type { OrderView } from '../domain/types';
import { orderInput, uid } from './support/order-fixtures';
import { appServices } from './support/api-fixtures';
import { testKnex } from './support/db';
import { connectClient, eventually, uniqueTaskQueue } from './support/temporal';
import { exitOf, spawnWorkerProcess } from './support/worker-process';

describe('GET /metrics', () => {
  const taskQueue = uniqueTaskQueue('metrics');
  let knex: Knex;
  let ledger: Ledger;
  let client: Client;
  let connection: Connection;
  let worker: ReturnType<typeof spawnWorkerProcess> | undefined;
  let metricsPort: number;

  beforeAll(async () => {
    knex = testKnex(4);
    ledger = createLedger(knex);
    ({ client, connection } = await connectClient());
    metricsPort = await freePort();
    worker = spawnWorkerProcess(taskQueue, { METRICS_PORT: String(metricsPort), SIMULATED_DELAY: '0' });
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      worker.kill('SIGTERM');
      await exitOf(worker);
    }
    await connection?.close();
    await knex?.destroy();
  });

  it('exposes the SDK series and our order, step, reservation, alert and reconciliation series after an order', async () => {
    const warehouseId = `wh-${uid()}`;
    const sku = `SKU-${uid()}`;
    await ledger.upsertWarehouse({ id: warehouseId, name: 'Metrics test', priority: 1 });
    await ledger.upsertSku({ sku, name: 'Metrics test item', reorderPoint: 5 });
    await ledger.receive({ warehouseId, sku, quantity: 6, key: `receipt-${sku}` });
    const input = orderInput({ orderId: `metrics-${uid()}`, channel: 'metrics-test', lines: [{ sku, quantity: 2 }] });
    const handle = await client.workflow.start('orderWorkflow', { ...orderStartOptions(input, taskQueue), workflowExecutionTimeout: '2m' });
    const view = (await handle.result()) as OrderView;
    expect(view.status).toBe('delivered');

    const records = createOrderRecords(knex, { cursorSecret: 'metrics-test-cursor-secret' });
    const app = createApp({
      config: loadConfig({ ...process.env, TASK_QUEUE: taskQueue, METRICS_PORT: '0' }),
      ledger,
      records,
      client,
      ...appServices(client, ledger, records),
      logger: silentLogger,
      metricsSources: [`http://127.0.0.1:${metricsPort}/metrics`],
    });
    await request(app).get('/health');

    // The runtime exports on its own schedule: poll until the order's series show up.
    const text = await eventually(async () => {
      const res = await request(app).get('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      return /fulfillment_orders_finished_total\{[^}]*status="delivered"/.test(res.text) && /fulfillment_reconciliation_problems/.test(res.text)
        ? res.text
        : undefined;
    }, 30_000, 500);

    expect(text).toMatch(new RegExp(`fulfillment_orders_started_total\\{[^}]*channel="metrics-test"[^}]*\\} [1-9]`));
    expect(text).toMatch(/fulfillment_order_step_duration_bucket\{[^}]*status="picking"/);
    expect(text).toMatch(/fulfillment_ledger_reservation_latency_bucket\{[^}]*outcome="held"/);
    expect(text).toMatch(/^fulfillment_reorder_alerts_open \d+$/m);
    expect(text).toMatch(/fulfillment_reconciliation_last_run/);
    expect(text).toMatch(/fulfillment_http_requests_total\{method="GET",route="\/health",status="(200|503)"\} 1/);
    expect(text).toMatch(/temporal_workflow_completed_total/); // the SDK's own series
  }, 90_000);
});
