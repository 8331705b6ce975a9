import { cpus } from 'node:os';
import type { Knex } from 'knex';
import { createKnex, dropDatabase, ensureDatabase, migrate } from '../platform/database';
import { createLedger } from '../ledger';
import type { Ledger } from '../ledger';
import { closedLoop } from './ledger-load';
import type { LoadFigures } from './ledger-load';
import { pgbench } from './ledger-pgbench';
import { BENCH_WAREHOUSE, HOT_SKU, PGBENCH_WAREHOUSE, seedBench, seedSkus, spreadSku } from './ledger-seed';

/*
 * Reservation throughput and latency of the ledger against a pgbench baseline that runs
 * the bare conditional UPDATE a reservation boils down to, on the same table, machine
 * and client counts. Not part of `npm test`: it needs a quiet machine and ~2.5 minutes.
 */

const CLIENTS = [1, 8, 32];
const SPREAD_SKUS = 1_000;
const SCALE_SKUS = 100_000;

export interface LedgerBenchRow {
  scenario: 'hot' | 'spread';
  clients: number;
  ledger: LoadFigures;
  pgbench: LoadFigures;
  /** The same UPDATE as pgbench, sent from Node through knex: the floor for any Node client. */
  nodeUpdate: LoadFigures;
  /** The ledger's one-round-trip reservation SQL driven by pgbench: the database's share of the cost. */
  ledgerSql: LoadFigures;
  ratio: number;
  oversold: number;
}

export interface LedgerBenchReport {
  date: string;
  nproc: number;
  seconds: number;
  rows: LedgerBenchRow[];
  skuScale: { clients: number; at1k: LoadFigures; at100k: LoadFigures; p50Ratio: number; meanRatio: number };
  reconcile: { ok: boolean; problems: number };
}

function benchDatabaseUrl(): string {
  if (process.env.LEDGER_BENCH_DATABASE_URL) return process.env.LEDGER_BENCH_DATABASE_URL;
  const u = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fulfillment');
  u.pathname = '/fulfillment_bench';
  return u.toString();
}

function pgbenchScript(scenario: 'hot' | 'spread'): string {
  const sku = scenario === 'hot' ? `'${HOT_SKU}'` : `'spread-' || lpad(:k::text, 6, '0')`;
  return [
    ...(scenario === 'spread' ? [`\\set k random(0, ${SPREAD_SKUS - 1})`] : []),
    `UPDATE stock_levels SET reserved = reserved + 1 WHERE warehouse_id = '${PGBENCH_WAREHOUSE}' AND sku = ${sku} AND on_hand - reserved >= 1;`,
    '',
  ].join('\n');
}

/** ledger_reserve_single() as reserve() sends it, one new order per transaction. */
function ledgerSqlScript(scenario: 'hot' | 'spread', label: string): string {
  const sku = scenario === 'hot' ? `${HOT_SKU}` : `spread-' || lpad(:s::text, 6, '0') || '`;
  const order = `${label}-' || :client_id || '-' || :k || '`;
  return [
    '\\set k random(1, 9000000000000000000)',
    `\\set s random(0, ${SPREAD_SKUS - 1})`,
    `SELECT ledger_reserve_single(('{"key": "${order}:reserve", "op": "reserve", "hash": "bench", "order_id": "${order}", ` +
      `"lines": [{"sku": "${sku}", "quantity": 1}]}')::jsonb);`,
    '',
  ].join('\n');
}

async function oversoldRows(knex: Knex): Promise<number> {
  const row = await knex('stock_levels').whereRaw('reserved > on_hand OR reserved < 0').count<{ n: string }>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

async function reservedAt(knex: Knex, warehouseId: string): Promise<number> {
  const row = await knex('stock_levels').where({ warehouse_id: warehouseId }).sum<{ s: string | null }>({ s: 'reserved' }).first();
  return Number(row?.s ?? 0);
}

/** Every reservation holds one unit; afterwards the balances must show exactly the units the ledger said it held. */
async function ledgerRun(knex: Knex, ledger: Ledger, label: string, clients: number, seconds: number, pickSku: () => string) {
  const before = await reservedAt(knex, BENCH_WAREHOUSE);
  let held = 0;
  const load = await closedLoop(clients, seconds, async (client, n) => {
    const orderId = `${label}-${client}-${n}`;
    const result = await ledger.reserve(orderId, [{ sku: pickSku(), quantity: 1 }], `${orderId}:reserve`);
    held += result.allocations.reduce((t, a) => t + a.quantity, 0);
  });
  const after = await reservedAt(knex, BENCH_WAREHOUSE);
  const oversold = (await oversoldRows(knex)) + Math.abs(after - before - held);
  return { load, oversold };
}

/** Same statement as the pgbench script, through the same knex pool the ledger uses. */
function nodeUpdateRun(knex: Knex, clients: number, seconds: number, pickSku: () => string): Promise<LoadFigures> {
  return closedLoop(clients, seconds, async () => {
    await knex.raw('UPDATE stock_levels SET reserved = reserved + 1 WHERE warehouse_id = ? AND sku = ? AND on_hand - reserved >= 1', [
      PGBENCH_WAREHOUSE,
      pickSku(),
    ]);
  });
}

const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

export function formatLedgerBench(r: LedgerBenchReport): string {
  const lines = [
    `Ledger reservations vs pgbench conditional UPDATE — ${r.date}, nproc ${r.nproc}, ${r.seconds}s per run`,
    '',
    '| scenario | clients | ledger res/s | p50 ms | p99 ms | pgbench tps | p50 ms | p99 ms | ratio | same UPDATE from Node/s | ledger SQL via pgbench/s | oversold |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.rows.map(
      (x) =>
        `| ${x.scenario} | ${x.clients} | ${fmt(x.ledger.perSecond, 0)} | ${fmt(x.ledger.p50Ms)} | ${fmt(x.ledger.p99Ms)} | ` +
        `${fmt(x.pgbench.perSecond, 0)} | ${fmt(x.pgbench.p50Ms)} | ${fmt(x.pgbench.p99Ms)} | ${fmt(x.ratio)}× | ` +
        `${fmt(x.nodeUpdate.perSecond, 0)} | ${fmt(x.ledgerSql.perSecond, 0)} | ${x.oversold} |`,
    ),
    '',
    `SKU scale (${r.skuScale.clients} clients, random SKU): 1k SKUs p50 ${fmt(r.skuScale.at1k.p50Ms)} ms / mean ${fmt(r.skuScale.at1k.meanMs)} ms ` +
      `(${fmt(r.skuScale.at1k.perSecond, 0)}/s); 100k SKUs p50 ${fmt(r.skuScale.at100k.p50Ms)} ms / mean ${fmt(r.skuScale.at100k.meanMs)} ms ` +
      `(${fmt(r.skuScale.at100k.perSecond, 0)}/s); 100k/1k p50 ${fmt(r.skuScale.p50Ratio)}×, mean ${fmt(r.skuScale.meanRatio)}×`,
    `reconcile: ${r.reconcile.ok ? 'ok' : `${r.reconcile.problems} problem(s)`}`,
  ];
  return lines.join('\n');
}

export async function runLedgerBench(options: { seconds?: number; log?: (line: string) => void } = {}): Promise<LedgerBenchReport> {
  const seconds = options.seconds ?? Number(process.env.LEDGER_BENCH_SECONDS ?? 4);
  const log = options.log ?? ((line: string) => console.log(line));
  const url = benchDatabaseUrl();
  await dropDatabase(url);
  await ensureDatabase(url);
  const knex = createKnex(url, Math.max(...CLIENTS) + 2);
  try {
    await migrate(knex);
    await seedBench(knex, SPREAD_SKUS);
    const ledger = createLedger(knex);
    const rows: LedgerBenchRow[] = [];
    for (const scenario of ['hot', 'spread'] as const) {
      const pick = scenario === 'hot' ? () => HOT_SKU : () => spreadSku(Math.floor(Math.random() * SPREAD_SKUS));
      for (const clients of CLIENTS) {
        const mine = await ledgerRun(knex, ledger, `${scenario}-c${clients}`, clients, seconds, pick);
        const base = await pgbench(url, pgbenchScript(scenario), clients, seconds);
        const nodeUpdate = await nodeUpdateRun(knex, clients, seconds, pick);
        const ledgerSql = await pgbench(url, ledgerSqlScript(scenario, `sql-${scenario}-c${clients}`), clients, seconds);
        const baseOversold = await oversoldRows(knex);
        // pgbench writes balances without movements; undo it so reconcile() judges only the ledger.
        await knex('stock_levels').where({ warehouse_id: PGBENCH_WAREHOUSE }).update({ reserved: 0 });
        const row = {
          scenario,
          clients,
          ledger: mine.load,
          pgbench: base,
          nodeUpdate,
          ledgerSql,
          ratio: mine.load.perSecond / base.perSecond,
          oversold: mine.oversold + baseOversold,
        };
        rows.push(row);
        log(`${scenario} c=${clients}: ledger ${fmt(row.ledger.perSecond, 0)}/s p50 ${fmt(row.ledger.p50Ms)} p99 ${fmt(row.ledger.p99Ms)} | pgbench ${fmt(base.perSecond, 0)} tps p50 ${fmt(base.p50Ms)} p99 ${fmt(base.p99Ms)} | ${fmt(row.ratio)}× | node UPDATE ${fmt(nodeUpdate.perSecond, 0)}/s | ledger SQL ${fmt(ledgerSql.perSecond, 0)}/s | oversold ${row.oversold}`);
      }
    }

    const scaleClients = 8;
    const at1k = (await ledgerRun(knex, ledger, 'scale-1k', scaleClients, seconds, () => spreadSku(Math.floor(Math.random() * SPREAD_SKUS)))).load;
    await seedSkus(knex, SPREAD_SKUS, SCALE_SKUS - 1, [BENCH_WAREHOUSE]);
    const at100k = (await ledgerRun(knex, ledger, 'scale-100k', scaleClients, seconds, () => spreadSku(Math.floor(Math.random() * SCALE_SKUS)))).load;
    const skuScale = { clients: scaleClients, at1k, at100k, p50Ratio: at100k.p50Ms / at1k.p50Ms, meanRatio: at100k.meanMs / at1k.meanMs };

    const reconciled = await ledger.reconcile();
    const report: LedgerBenchReport = {
      date: new Date().toISOString().slice(0, 10),
      nproc: cpus().length,
      seconds,
      rows,
      skuScale,
      reconcile: { ok: reconciled.ok, problems: reconciled.problems.length },
    };
    log(formatLedgerBench(report));
    return report;
  } finally {
    await knex.destroy();
    if (process.env.KEEP_BENCH_DATABASE !== '1') await dropDatabase(url);
  }
}

if (require.main === module) {
  runLedgerBench().then(
    (r) => process.exit(r.reconcile.ok && r.rows.every((x) => x.oversold === 0) ? 0 : 1),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
