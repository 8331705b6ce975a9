/**
 * `npm run bench`: end-to-end, intake and ledger benches, each with its baseline from the
 * same run, then the ledger reconciliation. One headless dev server (SQLite file, like
 * `npm start`) on a free port and scratch databases, all removed at the end.
 *
 * Knobs (env): BENCH_ONLY=e2e,intake,ledger · BENCH_ORDERS (e2e N, default 200) ·
 * BENCH_START_CONCURRENCY (16) · BENCH_MAX_ACTIVITIES / BENCH_MAX_WFT (worker
 * maxConcurrent*, default: SDK defaults) · BENCH_POOL_MAX (knex pool, 10) ·
 * BENCH_SQLITE_PRAGMAS (default "journal_mode=wal,synchronous=normal"; "none" = the CLI's
 * defaults) · BENCH_INMEMORY=1 · BENCH_NO_HEARTBEAT=1 (experiment) · BENCH_API_LOG_LEVEL ·
 * BENCH_INTAKE_SECONDS (8) · LEDGER_BENCH_SECONDS (the ledger bench's own) · BENCH_IDLE_ORDERS (the idle
 * bench, opt-in: it runs when this is set, with that many orders, or when BENCH_ONLY names
 * `idle`, with 500; e.g. BENCH_ONLY=idle BENCH_IDLE_ORDERS=10000) · BENCH_IDLE_CACHE (its worker's
 * WORKER_MAX_CACHED_WORKFLOWS; default the product's) · BENCH_IDLE_STEPS, BENCH_IDLE_SHIPPED_SHARE,
 * BENCH_IDLE_CONCURRENCY, BENCH_IDLE_RESTART, BENCH_IDLE_WORKER_ENV, BENCH_IDLE_REST_S (see bench/idle.ts) · BENCH_E2E_WEBHOOKS=1 (opt-in, about 2 more
 * order runs per round: the order with the webhook loops, with no subscription and with a dead
 * subscriber; bench/e2e-webhooks.ts).
 */
import { cpus } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createClosedOrdersCheck } from '../clients/order-closed';
import { createKnex } from '../platform/database';
import { installRuntime } from '../platform/runtime';
import { createLogger } from '../platform/logger';
import { createLedger } from '../ledger/ledger';
import { bundle, Cleanup, envInt, envIntOpt, fmt, pragmasFromEnv, scratchDatabase, startBenchDevServer } from './common';
import { formatE2e, runE2eBench, type E2eReport } from './e2e';
import { formatIdle, runIdleBench, type IdleReport } from './idle';
import { formatIntake, runIntakeBench, type IntakeReport } from './intake';
import { runLedgerBench, type LedgerBenchReport } from './ledger';

const log = (line: string) => console.log(`[bench] ${line}`);

async function main(): Promise<number> {
  const only = new Set((process.env.BENCH_ONLY ?? 'e2e,intake,ledger').split(',').map((s) => s.trim()));
  if (process.env.BENCH_IDLE_ORDERS) only.add('idle');
  const cleanup = new Cleanup();
  cleanup.installSignalHandlers();
  installRuntime({ logger: createLogger({ level: 'warn', base: { service: 'bench' } }), logLevel: 'warn' });
  let failed = false;
  let e2e: E2eReport | undefined;
  let intake: IntakeReport | undefined;
  let ledgerReport: LedgerBenchReport | undefined;
  let idle: IdleReport | undefined;
  const started = Date.now();
  try {
    const pragmas = pragmasFromEnv();
    const inMemory = process.env.BENCH_INMEMORY === '1';
    log(`machine: nproc ${cpus().length}, ${cpus()[0]?.model ?? '?'}, node ${process.version}, ${new Date().toISOString()}`);
    if (only.has('e2e') || only.has('intake')) {
      const databaseUrl = await scratchDatabase(cleanup, 'run');
      const server = await startBenchDevServer(cleanup, { inMemory, pragmas });
      log(`dev server ${server.address} (${server.dbFile ? `SQLite ${path.basename(server.dbFile)}` : 'in memory'}${pragmas.length ? `, pragmas ${pragmas.join(' ')}` : ''}); database ${new URL(databaseUrl).pathname.slice(1)}`);
      const connection = await Connection.connect({ address: server.address });
      cleanup.add('close client', () => connection.close());
      const client = new Client({ connection, namespace: 'default' });

      if (only.has('e2e')) {
        const noopPath = require.resolve('./noop-workflows');
        const [productBundle, noopBundle] = [await bundle(require.resolve('../workflows')), await bundle(noopPath)];
        e2e = await runE2eBench({
          client,
          address: server.address,
          namespace: 'default',
          databaseUrl,
          orders: envInt('BENCH_ORDERS', 200),
          startConcurrency: envInt('BENCH_START_CONCURRENCY', 16),
          tuning: {
            maxConcurrentActivityTaskExecutions: envIntOpt('BENCH_MAX_ACTIVITIES'),
            maxConcurrentWorkflowTaskExecutions: envIntOpt('BENCH_MAX_WFT'),
            poolMax: envInt('BENCH_POOL_MAX', 10),
            noHeartbeat: process.env.BENCH_NO_HEARTBEAT === '1',
          },
          productBundle,
          noopBundle,
          serverPid: server.pid,
          log,
        });
        console.log(`\n## End to end\n\n${formatE2e(e2e)}\n`);
        if (!e2e.reconcile.ok || e2e.order.wrongEnd > 0) failed = true;
        if (e2e.webhooks && e2e.webhooks.wrongEnd > 0) failed = true;
      }

      if (only.has('intake')) {
        intake = await runIntakeBench({ client, address: server.address, namespace: 'default', databaseUrl, seconds: envInt('BENCH_INTAKE_SECONDS', 8), log, cleanup });
        console.log(`\n## Intake\n\n${formatIntake(intake)}\n`);
      }

      // The run's own reconciliation: every invariant over everything these benches wrote.
      const knex = createKnex(databaseUrl, 2);
      try {
        const report = await createLedger(knex).reconcile(createClosedOrdersCheck(client, 'default', { notFoundGraceMs: 0 }));
        log(`reconciliation of ${new URL(databaseUrl).pathname.slice(1)}: ${report.ok ? 'ok' : `${report.problems.length} problem(s): ${JSON.stringify(report.problems.slice(0, 5))}`}`);
        if (!report.ok) failed = true;
      } finally {
        await knex.destroy();
      }
    }
    await cleanup.run();

    if (only.has('idle')) {
      // Its own dev server and database: the idle orders must not share a worker with the other benches.
      const idleCleanup = new Cleanup();
      try {
        const server = await startBenchDevServer(idleCleanup, { inMemory, pragmas });
        const databaseUrl = await scratchDatabase(idleCleanup, 'idle');
        idle = await runIdleBench({
          orders: envInt('BENCH_IDLE_ORDERS', 500),
          maxCachedWorkflows: envIntOpt('BENCH_IDLE_CACHE'),
          steps: (process.env.BENCH_IDLE_STEPS ?? '').split(',').filter(Boolean).map(Number),
          restart: process.env.BENCH_IDLE_RESTART === '1',
          shippedShare: Number(process.env.BENCH_IDLE_SHIPPED_SHARE ?? '0'),
          concurrency: envIntOpt('BENCH_IDLE_CONCURRENCY'),
          restSeconds: envIntOpt('BENCH_IDLE_REST_S'),
          // BENCH_IDLE_WORKER_ENV: extra worker variables, e.g. WORKER_WORKFLOW_HEAP_MB=160,MALLOC_ARENA_MAX=2.
          workerEnv: {
            ...Object.fromEntries((process.env.BENCH_IDLE_WORKER_ENV ?? '').split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
            ...(process.env.BENCH_IDLE_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_IDLE_WORKER_NODE_OPTIONS } : {}),
          },
          address: server.address,
          databaseUrl,
          cleanup: idleCleanup,
          log,
        });
        console.log(`\n## Idle orders\n\n${formatIdle(idle)}\n`);
      } finally {
        await idleCleanup.run();
      }
    }

    if (only.has('ledger')) {
      console.log('\n## Ledger\n');
      ledgerReport = await runLedgerBench({ log: (l) => console.log(l) });
      if (!ledgerReport.reconcile.ok || ledgerReport.rows.some((r) => r.oversold > 0)) failed = true;
    }
  } catch (err) {
    failed = true;
    console.error('[bench] failed:', err);
  } finally {
    await cleanup.run();
  }

  console.log('\n## Summary\n');
  if (e2e) {
    console.log(`e2e: ${fmt(e2e.order.perSecond)} orders/s vs baseline ${fmt(e2e.noop.perSecond)}/s = ${fmt(e2e.ratio, 2)}× (goal ≥ 0.8×); vs same-shape baseline ${fmt(e2e.sameShape.perSecond)}/s = ${fmt(e2e.sameShapeRatio, 2)}×`);
  }
  if (e2e?.webhooks) {
    const w = e2e.webhooks;
    console.log(`e2e webhooks: ${fmt(w.dead.perSecond)} orders/s with a dead subscriber vs ${fmt(w.none.perSecond)}/s with none = ${fmt(w.ratio, 2)}× (goal ≥ 0.9×)`);
  }
  if (intake) {
    for (const r of intake.rates) {
      console.log(`intake @${r.label}: API p99 ${fmt(r.api.p99, 1)} ms vs raw start ${fmt(r.baseline.p99, 1)} ms = ${fmt(r.p99Ratio, 2)}× (goal ≤ 2×)`);
    }
  }
  if (idle) console.log(`idle: ${idle.orders} orders, worker RSS ${fmt(idle.rssMb, 0)} MB (goal ≤ 500; ${fmt(idle.baselineRssMb, 0)} MB with no order), hold p99 ${fmt(idle.hold.p99, 0)} ms, cancel p99 ${fmt(idle.cancel.p99, 0)} ms (goal ≤ 1000), cache hit rate ${fmt(idle.cache.hitRate * 100, 0)} %`);
  if (ledgerReport) console.log(`ledger: reconcile ${ledgerReport.reconcile.ok ? 'ok' : 'FAILED'}, oversold ${ledgerReport.rows.reduce((t, r) => t + r.oversold, 0)}`);
  console.log(`total ${fmt((Date.now() - started) / 1000, 0)} s; ${failed ? 'FAILED' : 'ok'}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
