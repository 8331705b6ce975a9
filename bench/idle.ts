/**
 * Idle orders (issue "Robust at the limits"): N orders waiting in `picking` (manual warehouse)
 * on ONE worker process. Reports the worker's RSS (VmRSS of the child), the sticky cache's
 * hits and misses from the worker runtime's Prometheus endpoint, and the latency of a hold
 * and then a cancel (both Workflow Updates) on 200 random orders among them: an order evicted
 * from the workflow cache is replayed before its Update runs, which is what the p99 shows.
 * The cache is the SDK's default size (Worker option `maxCachedWorkflows`, the knob that moves it).
 * Goal: RSS ≤ 500 MB, Update p99 ≤ 1 s.
 */
import { readFileSync } from 'node:fs';
import { freePort } from '../platform/dev-server';
import { createKnex } from '../platform/database';
import { fmt, hex, latencies, mapLimit, sleep, waitFor, type Cleanup, type Latencies } from './common';
import { httpJson } from './http';
import { spawnProduct, waitApiReady, waitWorkerReady } from './processes';

export interface IdleReport {
  orders: number;
  startSeconds: number;
  rssMb: number;
  /** The same worker with no order yet: the baseline. */
  baselineRssMb: number;
  cache: { hits: number; misses: number; hitRate: number; size?: number };
  hold: Latencies;
  cancel: Latencies;
  refused: number;
}

const rssMb = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return line ? Number(line.replace(/\D+/g, '')) / 1024 : NaN;
};

/** Sums every series of a metric (any labels) in the Prometheus text. */
function metric(text: string, name: string): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || !/^[a-z_]+(\{[^}]*\})? /.test(line)) continue;
    const [series, value] = line.split(/ (?=[^ ]+$)/);
    if (series.replace(/\{.*/, '') !== name) continue;
    total = (total ?? 0) + Number(value);
  }
  return total;
}

export async function runIdleBench(opts: {
  orders: number;
  address: string;
  databaseUrl: string;
  cleanup: Cleanup;
  log: (line: string) => void;
  /** WORKER_MAX_CACHED_WORKFLOWS for the worker; default the SDK's. */
  maxCachedWorkflows?: number;
}): Promise<IdleReport> {
  const { orders, log } = opts;
  const [apiPort, metricsPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${apiPort}`;
  const env = {
    DATABASE_URL: opts.databaseUrl,
    TEMPORAL_ADDRESS: opts.address,
    TASK_QUEUE: `idle-${hex()}`,
    WAREHOUSE_MODE: 'manual',
    CARRIER_MODE: 'manual',
    PICK_TIMEOUT: '24h',
    REAPER_INTERVAL: '1h',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_WRITES_PER_MINUTE: '0',
  };
  const cache: Record<string, string> = opts.maxCachedWorkflows === undefined ? {} : { WORKER_MAX_CACHED_WORKFLOWS: String(opts.maxCachedWorkflows) };
  const worker = spawnProduct('worker', { ...env, ...cache, LOG_LEVEL: 'info', METRICS_PORT: String(metricsPort) }, opts.cleanup, 'idle-worker');
  await waitWorkerReady(worker);
  await sleep(3_000);
  const baselineRssMb = rssMb(worker.pid);
  const api = spawnProduct('api', { ...env, PORT: String(apiPort), METRICS_PORT: '0' }, opts.cleanup, 'idle-api');
  await waitApiReady(api, base);

  const skus = Array.from({ length: 10 }, (_, i) => `SKU-IDLE-${i}`);
  await httpJson(base, 'PUT', '/warehouses/wh-idle', { name: 'Idle warehouse' });
  for (const sku of skus) {
    await httpJson(base, 'PUT', `/skus/${sku}`, { name: sku });
    await httpJson(base, 'POST', '/inventory/receipts', { warehouseId: 'wh-idle', sku, quantity: orders });
  }

  const started = Date.now();
  const ids = Array.from({ length: orders }, (_, i) => `idle-${hex()}-${i}`);
  await mapLimit(ids, 16, async (orderId, i) => {
    const body = {
      orderId,
      channel: 'web',
      customer: { id: `cust-${i % 500}` },
      shippingAddress: { name: 'Ada', line1: '1 Road', city: 'London', postalCode: 'N1', country: 'GB' },
      lines: [{ sku: skus[i % skus.length], quantity: 1 }],
    };
    for (let attempt = 0; ; attempt++) {
      const r = await httpJson(base, 'POST', '/orders', body, { timeoutMs: 30_000 });
      if (r.status === 202 || r.status === 200) return;
      if (attempt >= 5) throw new Error(`POST /orders ${r.status}: ${JSON.stringify(r.body)}`);
      await sleep(500);
    }
  });
  const knex = createKnex(opts.databaseUrl, 2);
  try {
    await waitFor(
      `${orders} orders in picking`,
      async () => {
        const [{ n }] = (await knex('order_records').where('status', 'picking').count({ n: '*' })) as Array<{ n: string }>;
        return Number(n) >= orders ? true : undefined;
      },
      60 * 60_000,
      2_000,
    );
  } finally {
    await knex.destroy();
  }
  const startSeconds = (Date.now() - started) / 1000;
  log(`${orders} orders in picking after ${fmt(startSeconds, 0)} s`);
  // Let the worker settle (GC, pollers) before reading its footprint.
  await sleep(5_000);
  const rss = rssMb(worker.pid);
  const scrape = async () => String((await httpJson<string>(`http://127.0.0.1:${metricsPort}`, 'GET', '/metrics')).body);
  const before = await scrape();

  const picks = [...ids].sort(() => Math.random() - 0.5).slice(0, Math.min(200, ids.length));
  const holdMs: number[] = [];
  const cancelMs: number[] = [];
  let refused = 0;
  const timed = async (out: number[], fn: () => Promise<{ status: number }>, ok: number) => {
    const t0 = process.hrtime.bigint();
    const r = await fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== ok) refused++;
  };
  await mapLimit(picks, 4, async (orderId) => {
    await timed(holdMs, () => httpJson(base, 'POST', `/orders/${orderId}/holds`, { reason: 'other' }, { timeoutMs: 60_000 }), 201);
    await timed(cancelMs, () => httpJson(base, 'POST', `/orders/${orderId}/cancel`, { reason: 'idle bench' }, { timeoutMs: 60_000 }), 200);
  });
  const after = await scrape();
  const delta = (name: string) => (metric(after, name) ?? 0) - (metric(before, name) ?? 0);
  const hits = delta('temporal_sticky_cache_hit') + delta('temporal_sticky_cache_hit_total');
  const misses = delta('temporal_sticky_cache_miss') + delta('temporal_sticky_cache_miss_total');
  return {
    orders,
    startSeconds,
    rssMb: rss,
    baselineRssMb,
    cache: { hits, misses, hitRate: hits + misses > 0 ? hits / (hits + misses) : NaN, size: metric(after, 'temporal_sticky_cache_size') },
    hold: latencies(holdMs),
    cancel: latencies(cancelMs),
    refused,
  };
}

export function formatIdle(r: IdleReport): string {
  const row = (name: string, l: Latencies) => `| ${name} | ${l.n} | ${fmt(l.p50, 0)} | ${fmt(l.p99, 0)} | ${fmt(l.max, 0)} |`;
  return [
    `${r.orders} orders idle in picking on one worker (started in ${fmt(r.startSeconds, 0)} s); goal RSS ≤ 500 MB, Update p99 ≤ 1000 ms`,
    '',
    `worker RSS ${fmt(r.rssMb, 0)} MB (baseline, no order yet: ${fmt(r.baselineRssMb, 0)} MB) · sticky cache during the Updates: ${r.cache.hits} hits, ${r.cache.misses} misses (hit rate ${fmt(r.cache.hitRate * 100, 0)} %), cache size ${r.cache.size ?? 'n/a'} · refused ${r.refused}`,
    '',
    '| Update | n | p50 ms | p99 ms | max ms |',
    '|---|---|---|---|---|',
    row('hold', r.hold),
    row('cancel', r.cancel),
  ].join('\n');
}
