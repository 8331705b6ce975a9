/**
 * End-to-end bench: N orders (simulated warehouse and carrier, SIMULATED_DELAY 0) from
 * start to `delivered`, against a baseline workflow running the same number (9) of
 * sequential no-op activities on the same dev server with the same worker settings.
 *
 * Latency is the server's own start → close time of each workflow (from visibility), so
 * polling does not blur it; throughput is measured orders / (last close − first start).
 *
 * Layout: this file runs the rounds and picks the best; e2e-runs.ts (order and baselines),
 * e2e-measure.ts (one timed run), e2e-visibility.ts, e2e-types.ts, e2e-report.ts (the table).
 */
import { NativeConnection } from '@temporalio/worker';
import { createClosedOrdersCheck } from '../clients/order-closed';
import { createKnex } from '../platform/database';
import { createLedger } from '../ledger/ledger';
import { hex } from './common';
import { summarizeWebhookRounds, webhookRound, type WebhookRound } from './e2e-webhooks';
import type { E2eOptions, E2eReport, E2eRun } from './e2e-types';
import { HAPPY_PATH_SHAPE, runNoop, runOrders } from './e2e-runs';

// The bench's surface stays importable from here (run-all.ts, intake.ts, e2e-webhooks.ts).
export type { E2eOptions, E2eReport, E2eRun, WorkerTuning } from './e2e-types';
export { benchOrderInput, HAPPY_PATH_ACTIVITIES, HAPPY_PATH_SHAPE, runNoop, runOrders, type NoopVariant } from './e2e-runs';
export { processCpuMs } from './e2e-measure';
export { formatE2e } from './e2e-report';

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
