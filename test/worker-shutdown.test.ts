import type { ChildProcess } from 'node:child_process';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Knex } from 'knex';
import { createLedger } from '../ledger/ledger';
import type { Ledger } from '../ledger/types';
import { createWorker } from '../worker/create-worker';
import { orderStartOptions } from '../workflows/order/start-options';
import type { OrderView } from '../domain/types';
import { orderInput, uid } from './support/order-fixtures';
import { statusQuery } from '../workflows/order/messages';
import { testKnex } from './support/db';
import { connectClient, connectWorker, eventually, temporalEnv, uniqueTaskQueue } from './support/temporal';
import { exitOf, spawnWorkerProcess } from './support/worker-process';

describe('worker graceful shutdown', () => {
  const taskQueue = uniqueTaskQueue('shutdown');
  let knex: Knex;
  let ledger: Ledger;
  let client: Client;
  let connection: Connection;
  let workerConnection: NativeConnection;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    knex = testKnex(4);
    ledger = createLedger(knex);
    ({ client, connection } = await connectClient());
    workerConnection = await connectWorker();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await workerConnection?.close();
    await connection?.close();
    await knex?.destroy();
  });

  it('a worker sent SIGTERM mid-order exits 0 and the order completes on another worker', async () => {
    const warehouseId = `wh-${uid()}`;
    const sku = `SKU-${uid()}`;
    await ledger.upsertWarehouse({ id: warehouseId, name: 'Shutdown test', priority: 1 });
    await ledger.upsertSku({ sku, name: 'Shutdown test item' });
    await ledger.receive({ warehouseId, sku, quantity: 5, key: `receipt-${sku}` });

    child = spawnWorkerProcess(taskQueue, { SIMULATED_DELAY: '3s', SHUTDOWN_GRACE: '20s' });

    const input = orderInput({ orderId: `shutdown-${uid()}`, channel: 'web', lines: [{ sku, quantity: 2 }] });
    const handle = await client.workflow.start('orderWorkflow', { ...orderStartOptions(input, taskQueue), workflowExecutionTimeout: '2m' });

    // Mid-order: the simulated warehouse is working on the pick in the child worker.
    await eventually(async () => {
      const view = await handle.query(statusQuery);
      return view.status === 'picking' ? view : undefined;
    }, 45_000);
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);

    const worker: Worker = await createWorker({
      connection: workerConnection,
      client,
      namespace: temporalEnv().namespace,
      taskQueue,
      ledger,
      config: { warehouseMode: 'simulated', carrierMode: 'simulated', simulatedDelayMs: 0, reaperIntervalMs: 3_600_000 },
      startReaper: false,
    });
    const view = (await worker.runUntil(handle.result())) as OrderView;
    expect(view.status).toBe('delivered');
    const reservations = await ledger.reservations(input.orderId);
    expect(reservations.map((r) => [r.status, r.quantity])).toEqual([['shipped', 2]]);
    expect((await ledger.levels(sku))?.onHand).toBe(3);
  }, 120_000);
});
