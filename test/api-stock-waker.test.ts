/**
 * Receipts wake the orders awaiting stock in the background: the receipt answers first, the
 * orders get stockArrived after (real Temporal, stand-in workflows waiting for the signal).
 */
import request from 'supertest';
import { Worker } from '@temporalio/worker';
import { createStockWaker, type StockWaker } from '../clients/stock-waker';
import { silentLogger } from '../platform/logger';
import { orderWorkflowId } from '../domain/types';
import type { waitForStock } from './support/wait-for-stock-workflow';
import { as, seedStock, startApi, uid, type ApiHarness } from './support/api-fixtures';
import { connectWorker, uniqueTaskQueue } from './support/temporal';

describe('API: stock wake-ups after a receipt', () => {
  let h: ApiHarness;
  let worker: Worker;
  let running: Promise<void>;
  let waker: StockWaker;
  const taskQueue = uniqueTaskQueue('waker');
  const waiting = new Map<string, string[]>();
  // The lookups wait at this gate until the test opens it.
  let gate = deferred();
  let lookups: string[] = [];

  beforeAll(async () => {
    const connection = await connectWorker();
    worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: require.resolve('./support/wait-for-stock-workflow'),
    });
    running = worker.run().finally(() => connection.close());
    h = await startApi({
      override: (deps) => {
        waker = createStockWaker({
          client: deps.client,
          log: silentLogger,
          concurrency: 8,
          // Held until the test lets go: proves the receipt did not wait for the lookup or the signals.
          findWaiting: async (sku) => {
            lookups.push(sku);
            await gate.promise;
            return waiting.get(sku) ?? [];
          },
        });
        return { ...deps, stockWaker: waker };
      },
    });
  });
  afterAll(async () => {
    gate.open();
    await waker?.drain();
    worker?.shutdown();
    await running?.catch(() => undefined);
    await h?.stop();
  });

  it('answers before any order is signalled; then every waiting order gets stockArrived {sku}', async () => {
    const { warehouseId, sku } = await seedStock(h.app, 0);
    const orderIds = Array.from({ length: 40 }, () => uid('ord'));
    waiting.set(sku, orderIds);
    const handles = await Promise.all(
      orderIds.map((id) => h.client.workflow.start<typeof waitForStock>('waitForStock', { workflowId: orderWorkflowId(id), taskQueue, workflowExecutionTimeout: '2m' })),
    );

    const res = await request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId, sku, quantity: 5 });
    expect(res.status).toBe(201);
    // The lookup has not even returned yet: nothing was signalled while the receipt was answered.
    for (const handle of handles.slice(0, 3)) expect((await handle.describe()).status.name).toBe('RUNNING');

    gate.open();
    await waker.drain();
    expect(lookups).toEqual([sku]);
    await expect(Promise.all(handles.map((handle) => handle.result()))).resolves.toEqual(orderIds.map(() => sku));
  });

  it('coalesces: SKUs queued while a wake-up runs are looked up once each', async () => {
    gate = deferred();
    lookups = [];
    waker.wake(['A-1', 'B-1']); // taken at once; waits at the gate on A-1
    waker.wake(['B-1', 'C-1']);
    waker.wake(['C-1', 'B-1']);
    gate.open();
    await waker.drain();
    expect(lookups).toEqual(['A-1', 'B-1', 'B-1', 'C-1']);
  });
});

function deferred(): { promise: Promise<void>; open(): void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
