/**
 * A receipt for a SKU that many orders await (docs/design.md §17): how fast the receipt
 * answers, and how long until every waiting order holds its unit and has opened its
 * fulfillment. The API and a worker run as their own processes (dist/api, dist/worker, manual
 * warehouse so a filled order rests in picking); Postgres is a scratch database, Temporal a
 * dev server. Run with `node dist/bench/scarce-stock.js` (BENCH_WAITERS, BENCH_UNITS, BENCH_ROUNDS).
 * BENCH_PRODUCT_DIST runs another build's dist/ (the "before" of BENCHMARKS.md).
 */
import { createKnex } from '../platform/database';
import { Cleanup, envInt, fmt, hex, mapLimit, scratchDatabase, startBenchDevServer, waitFor } from './common';
import { freePort } from '../platform/dev-server';
import { httpJson } from './http';
import { spawnProduct, waitApiReady, waitWorkerReady } from './processes';

async function main(): Promise<void> {
  const cleanup = new Cleanup();
  cleanup.installSignalHandlers();
  try {
    const waiters = envInt('BENCH_WAITERS', 200);
    const rounds = envInt('BENCH_ROUNDS', 3);
    // Fewer units than waiters: the orders behind the queue plan a backorder on every wake-up.
    const units = envInt('BENCH_UNITS', waiters);
    const url = await scratchDatabase(cleanup, 'scarce');
    const server = await startBenchDevServer(cleanup, { inMemory: true });
    const knex = createKnex(url, 2);
    cleanup.add('close pool', () => knex.destroy());
    const taskQueue = `bench-scarce-${hex()}`;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      DATABASE_URL: url,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: 'default',
      TASK_QUEUE: taskQueue,
      METRICS_PORT: '0',
      WAREHOUSE_MODE: 'manual',
      CARRIER_MODE: 'manual',
      BACKORDER_TIMEOUT: '1h',
      PICK_TIMEOUT: '1h',
      WEBHOOK_DELIVERY: 'off',
      LOG_LEVEL: 'warn',
    };
    const worker = spawnProduct('worker', { ...env, LOG_LEVEL: 'info' }, cleanup, 'scarce-worker');
    const api = spawnProduct('api', { ...env, PORT: String(port) }, cleanup, 'scarce-api');
    await waitWorkerReady(worker);
    await waitApiReady(api, base);
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await httpJson(base, method, path, body, { timeoutMs: 30_000 });
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return r;
    };
    const countWith = async (sku: string, status: string) => {
      const { rows } = await knex.raw<{ rows: Array<{ n: number }> }>(
        `SELECT count(*)::int AS n FROM order_records r JOIN order_record_skus s ON s.order_id = r.order_id WHERE s.sku = ? AND r.status = ?`,
        [sku, status],
      );
      return rows[0].n;
    };
    await call('PUT', '/warehouses/w1', { name: 'W1', priority: 1 });
    console.log(`scarce stock bench: ${waiters} orders await one SKU, one receipt of ${units} units; ${rounds} rounds`);
    for (let round = 1; round <= rounds; round++) {
      const sku = `SCARCE-${hex()}`;
      await call('PUT', `/skus/${sku}`, { name: 'scarce' });
      await mapLimit(
        Array.from({ length: waiters }, (_, i) => i),
        16,
        (i) =>
          call('POST', '/orders', {
            orderId: `scarce-${sku}-${i}`,
            channel: 'web',
            customer: { id: `c${i}` },
            shippingAddress: { name: 'A', line1: '1 Street', city: 'Town', postalCode: '1000', country: 'DE' },
            lines: [{ sku, quantity: 1 }],
          }),
      );
      await waitFor('every order awaiting stock', async () => ((await countWith(sku, 'awaiting_stock')) === waiters ? true : undefined), 300_000);
      const t0 = performance.now();
      await call('POST', '/inventory/receipts', { warehouseId: 'w1', sku, quantity: units });
      const receiptMs = performance.now() - t0;
      await waitFor(
        'every unit received held',
        async () => {
          const { rows } = await knex.raw<{ rows: Array<{ n: number }> }>(`SELECT coalesce(sum(quantity), 0)::int AS n FROM reservations WHERE sku = ? AND status = 'held'`, [sku]);
          return rows[0].n === units ? true : undefined;
        },
        300_000,
        50,
      );
      const heldMs = performance.now() - t0;
      await waitFor('every order picking', async () => ((await countWith(sku, 'picking')) === units ? true : undefined), 300_000, 50);
      const pickingMs = performance.now() - t0;
      console.log(`round ${round}: receipt answered in ${fmt(receiptMs)} ms; all ${units} units held after ${fmt(heldMs / 1000, 2)} s; ${units} orders picking after ${fmt(pickingMs / 1000, 2)} s`);
    }
  } finally {
    await cleanup.run();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
