/**
 * Idle orders (issue #26): N orders waiting in `picking` (manual warehouse), a share of them
 * driven on to `shipped`, on ONE worker process. Reports the worker's RSS (VmRSS, with the relay
 * process when the worker started itself again under MALLOC_ARENA_MAX, worker/malloc-arenas.ts),
 * split by a probe in every isolate (bench/memory-probe.ts) into the main isolate's heap, the
 * SDK's workflow thread's heap and native memory (the rest: Rust core, malloc arenas, code), as
 * found and after a full GC; the sticky cache's size, hits and misses from the worker runtime's
 * Prometheus endpoint; and the latency of a hold and then a cancel (both Workflow Updates) on 200
 * random open orders: an order evicted from the cache is replayed before its Update runs, which
 * is what the p99 shows. Goal: RSS ≤ 500 MB, Update p99 ≤ 1 s.
 *
 * Knobs (env, read by bench/run-all.ts): BENCH_IDLE_ORDERS (500) · BENCH_IDLE_STEPS (open-order
 * counts to measure at on the way, e.g. 1000,5000,10000) · BENCH_IDLE_SHIPPED_SHARE (0: share of
 * each step's orders sent picked, packed and shipped before they idle) · BENCH_IDLE_CONCURRENCY
 * (32 orders or events posted at once) · BENCH_IDLE_CACHE (WORKER_MAX_CACHED_WORKFLOWS) ·
 * BENCH_IDLE_RESTART=1 (after each step, a fresh worker takes the Updates) ·
 * BENCH_IDLE_WORKER_ENV (k=v,k=v for the worker, e.g. WORKER_MALLOC_ARENA_MAX=0) ·
 * BENCH_IDLE_WORKER_NODE_OPTIONS · BENCH_IDLE_REST_S (60: seconds the worker rests after each
 * step's intake before it is measured again) · BENCH_PRODUCT_DIST (another build's dist/: before/after).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../platform/dev-server';
import { createKnex } from '../platform/database';
import { fmt, hex, latencies, mapLimit, sleep, waitFor, type Cleanup, type Latencies } from './common';
import { httpJson, sendPolitely } from './http';
import { spawnProduct, waitApiReady, waitWorkerReady } from './processes';

/** The worker's memory split (bench/memory-probe.ts): RSS = main isolate + workflow thread + native. */
export interface MemorySplit {
  /** RSS of the worker and any process it started (a re-exec's parent included). */
  rssMb: number;
  /** The relay's own RSS when the worker started itself again (worker/malloc-arenas.ts), else 0; ~40 MB of it is the node binary's pages, shared with the worker. */
  relayRssMb: number;
  mainHeapMb: number;
  mainHeapUsedMb: number;
  workflowHeapMb: number;
  workflowHeapUsedMb: number;
  /** RSS minus the V8 heaps' resident pages: the Rust core, malloc arenas, buffers, code. */
  nativeMb: number;
}

export interface IdleStep {
  /** Open orders when the step was measured (started minus those cancelled by earlier steps). */
  open: number;
  startSeconds: number;
  /** The worker that took the intake. */
  rssMb: number;
  /** A fresh worker holding the same open orders (BENCH_IDLE_RESTART=1), after the Updates. */
  freshRssMb?: number;
  /** RSS after the Update phase (the fresh worker's when restarted). */
  afterUpdatesRssMb: number;
  cache: { hits: number; misses: number; hitRate: number; size?: number };
  hold: Latencies;
  cancel: Latencies;
  refused: number;
  /** The intake worker's memory as found, after resting (no forced GC), and after a full GC in every isolate. */
  split?: MemorySplit;
  atRest?: MemorySplit;
  afterGc?: MemorySplit;
}

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
  steps: IdleStep[];
  shippedShare: number;
}

const ownRssMb = (pid: number): number => {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.replace(/\D+/g, '')) / 1024 : 0;
  } catch {
    return 0;
  }
};

/** The process's children (a worker entry that re-executes itself with MALLOC_ARENA_MAX has one). */
function children(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

/** RSS of the process and its descendants: what the worker costs the machine. */
const rssMb = (pid: number): number => ownRssMb(pid) + children(pid).reduce((sum, c) => sum + rssMb(c), 0);

const MB = 1024 * 1024;
const PROBE = path.join(__dirname, 'memory-probe.js');

interface ProbeSample {
  pid: number;
  main: boolean;
  gcSeq: number;
  at: number;
  heapPhysical: number;
  heapUsed: number;
}

/** The newest sample of each isolate of the process tree rooted at `pid`. */
function readProbe(dir: string, pid: number): ProbeSample[] {
  const pids = new Set([pid, ...children(pid)]);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && pids.has(Number(f.split('-')[0])))
    .flatMap((f) => {
      try {
        return [JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as ProbeSample];
      } catch {
        return [];
      }
    });
}

function split(dir: string, pid: number): MemorySplit {
  const samples = readProbe(dir, pid);
  const rss = rssMb(pid);
  // The worker is the process with a workflow thread; a re-exec's parent has only a main isolate.
  const workerPid = samples.find((s) => !s.main)?.pid ?? pid;
  const main = samples.filter((s) => s.main && s.pid === workerPid);
  const wf = samples.filter((s) => !s.main);
  const sum = (xs: ProbeSample[], k: 'heapPhysical' | 'heapUsed') => xs.reduce((a, s) => a + s[k], 0) / MB;
  return {
    rssMb: rss,
    relayRssMb: workerPid === pid ? 0 : ownRssMb(pid),
    mainHeapMb: sum(main, 'heapPhysical'),
    mainHeapUsedMb: sum(main, 'heapUsed'),
    workflowHeapMb: sum(wf, 'heapPhysical'),
    workflowHeapUsedMb: sum(wf, 'heapUsed'),
    nativeMb: rss - sum(samples, 'heapPhysical'),
  };
}

/** Asks every isolate of the tree for a full GC and waits until each has answered. */
async function gcAll(dir: string, pid: number, seq: number): Promise<void> {
  writeFileSync(path.join(dir, `gc-${seq}`), '');
  await waitFor('a full GC in every isolate', async () => (readProbe(dir, pid).every((s) => s.gcSeq >= seq) ? true : undefined), 60_000, 500);
  await sleep(2_000);
}

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
  /** WORKER_MAX_CACHED_WORKFLOWS for the worker; default the product's. */
  maxCachedWorkflows?: number;
  /** Open-order counts at which to measure (ascending; the last is `orders`). */
  steps?: number[];
  /** After each step, measure a fresh worker holding the same orders (what a restart or a second replica costs). */
  restart?: boolean;
  /** This share of the orders is driven on to `shipped` (picked, packed, shipped events) before it idles. */
  shippedShare?: number;
  /** Orders posted at once during the intake (default 32). */
  concurrency?: number;
  /** Extra environment for the worker (e.g. NODE_OPTIONS for heap snapshots). */
  workerEnv?: Record<string, string>;
  /** Seconds the worker rests after each step's intake before it is measured again (default 60). */
  restSeconds?: number;
}): Promise<IdleReport> {
  const { orders, log } = opts;
  const steps = [...new Set([...(opts.steps ?? []).filter((n) => n < orders), orders])].sort((a, b) => a - b);
  const shippedShare = opts.shippedShare ?? 0;
  const restSeconds = opts.restSeconds ?? 60;
  const [apiPort, metricsPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${apiPort}`;
  const env = {
    DATABASE_URL: opts.databaseUrl,
    TEMPORAL_ADDRESS: opts.address,
    TASK_QUEUE: `idle-${hex()}`,
    WAREHOUSE_MODE: 'manual',
    CARRIER_MODE: 'manual',
    PICK_TIMEOUT: '24h',
    DELIVERY_TIMEOUT: '24h',
    REAPER_INTERVAL: '1h',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_WRITES_PER_MINUTE: '0',
  };
  const cache: Record<string, string> = opts.maxCachedWorkflows === undefined ? {} : { WORKER_MAX_CACHED_WORKFLOWS: String(opts.maxCachedWorkflows) };
  // Every isolate of the worker reports its heap (bench/memory-probe.ts).
  const probeDir = mkdtempSync(path.join(os.tmpdir(), 'idle-probe-'));
  opts.cleanup.add('idle probe files', () => rmSync(probeDir, { recursive: true, force: true }));
  const probe = { MEMORY_PROBE_DIR: probeDir, NODE_OPTIONS: `--require ${PROBE} ${opts.workerEnv?.NODE_OPTIONS ?? ''}`.trim() };
  let gcSeq = 0;
  const startWorker = async (label: string) => {
    const w = spawnProduct('worker', { ...env, ...cache, ...(opts.workerEnv ?? {}), ...probe, LOG_LEVEL: 'info', METRICS_PORT: String(metricsPort) }, opts.cleanup, label);
    await waitWorkerReady(w);
    log(`${label} pid ${w.pid}`);
    return w;
  };
  let worker = await startWorker('idle-worker');
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
  // Sent like a polite integrator (bench/http.ts): 429/5xx/no answer again after Retry-After or a
  // backoff. A 409 naming a failed workflow task is "not now" too: under load a workflow task can
  // time out, and the server refuses Updates until its retry has run (a warehouse keeps sending
  // the event while the order waits for it).
  const taskFailed = (body: unknown) => /Workflow Task in failed state/i.test(JSON.stringify(body ?? ''));
  const send = async (path: string, body: unknown, ok: number[]) => {
    for (let attempt = 0; ; attempt++) {
      const r = await sendPolitely(base, 'POST', path, body, { timeoutMs: 30_000 });
      if (ok.includes(r.status)) return;
      if (attempt >= 30 || !(r.status === 409 && taskFailed(r.body))) throw new Error(`POST ${path} ${r.status}: ${JSON.stringify(r.body)}`);
      taskRetries++;
      await sleep(1_000);
    }
  };
  let taskRetries = 0;

  const knex = createKnex(opts.databaseUrl, 2);
  const open: string[] = [];
  const results: IdleStep[] = [];
  const started = Date.now();
  let made = 0;
  try {
    for (const target of steps) {
      const ids = Array.from({ length: target - made }, (_, i) => `idle-${hex()}-${made + i}`);
      const offset = made;
      await mapLimit(ids, opts.concurrency ?? 32, async (orderId, i) => {
        const n = offset + i;
        await send(
          '/orders',
          {
            orderId,
            channel: 'web',
            customer: { id: `cust-${n % 500}` },
            shippingAddress: { name: 'Ada', line1: '1 Road', city: 'London', postalCode: 'N1', country: 'GB' },
            lines: [{ sku: skus[n % skus.length], quantity: 1 }],
          },
          [200, 202],
        );
      });
      made = target;
      open.push(...ids);
      const resting = async (status: string) => {
        const [{ n }] = (await knex('order_records').whereIn('order_id', ids).andWhere('status', status).count({ n: '*' })) as Array<{ n: string }>;
        return Number(n);
      };
      await waitFor(`${ids.length} more orders in picking`, async () => ((await resting('picking')) >= ids.length ? true : undefined), 2 * 60 * 60_000, 2_000);
      // A share goes on to shipped: the warehouse and carrier events, as Updates through the API.
      const toShip = ids.slice(0, Math.round(ids.length * shippedShare));
      await mapLimit(toShip, opts.concurrency ?? 32, async (orderId) => {
        await send(`/orders/${orderId}/events`, { type: 'picked' }, [200]);
        await send(`/orders/${orderId}/events`, { type: 'packed' }, [200]);
        await send(`/orders/${orderId}/events`, { type: 'shipped', carrier: 'IdlePost', trackingNumber: `T-${orderId}` }, [200]);
      });
      if (toShip.length > 0) {
        await waitFor(`${toShip.length} orders in shipped`, async () => ((await resting('shipped')) >= toShip.length ? true : undefined), 60 * 60_000, 2_000);
      }
      const startSeconds = (Date.now() - started) / 1000;
      log(`${open.length} orders open (${toShip.length} of this step's in shipped) after ${fmt(startSeconds, 0)} s${taskRetries ? ` (${taskRetries} events sent again after "Workflow Task in failed state")` : ''}`);
      // Let the worker settle (GC, pollers) before reading its footprint.
      await sleep(5_000);
      const found = split(probeDir, worker.pid);
      const rss = found.rssMb;
      // Idle orders rest: what the worker holds once it has had a quiet minute of its own.
      let atRest = found;
      for (let waited = 0; waited < restSeconds; waited += 10) {
        await sleep(10_000);
        atRest = split(probeDir, worker.pid);
        log(`at rest ${waited + 10} s: ${formatSplit(atRest)}`);
      }
      await gcAll(probeDir, worker.pid, ++gcSeq);
      const afterGc = split(probeDir, worker.pid);
      log(`memory: ${formatSplit(found)}; after a full GC: ${formatSplit(afterGc)}`);
      let freshRssMb: number | undefined;
      if (opts.restart) {
        await worker.stop(20_000);
        worker = await startWorker('idle-worker-fresh');
        await sleep(5_000);
      }
      const measured = await updatePhase(open, base, metricsPort);
      await sleep(3_000);
      const after = rssMb(worker.pid);
      if (opts.restart) freshRssMb = after;
      // The cancelled orders are no longer open.
      const cancelled = new Set(measured.picks);
      open.splice(0, open.length, ...open.filter((id) => !cancelled.has(id)));
      results.push({ open: open.length + cancelled.size, startSeconds, rssMb: rss, freshRssMb, afterUpdatesRssMb: after, ...measured.step, split: found, atRest, afterGc });
      log(`step ${target}: RSS ${fmt(rss, 0)} MB${freshRssMb !== undefined ? `, fresh worker ${fmt(freshRssMb, 0)} MB` : ''}, after Updates ${fmt(after, 0)} MB, hold p99 ${fmt(measured.step.hold.p99, 0)} ms, cancel p99 ${fmt(measured.step.cancel.p99, 0)} ms`);
    }
  } finally {
    await knex.destroy();
  }
  const last = results[results.length - 1];
  return { orders, startSeconds: last.startSeconds, rssMb: last.rssMb, baselineRssMb, cache: last.cache, hold: last.hold, cancel: last.cancel, refused: last.refused, steps: results, shippedShare };
}

/** A hold and then a cancel (both Workflow Updates) on up to 200 random open orders, 4 at a time. */
async function updatePhase(open: string[], base: string, metricsPort: number) {
  const scrape = async () => String((await httpJson<string>(`http://127.0.0.1:${metricsPort}`, 'GET', '/metrics')).body);
  const before = await scrape();
  const picks = [...open].sort(() => Math.random() - 0.5).slice(0, Math.min(200, open.length));
  const holdMs: number[] = [];
  const cancelMs: number[] = [];
  let refused = 0;
  const timed = async (out: number[], fn: () => Promise<{ status: number }>, ok: number[]) => {
    const t0 = process.hrtime.bigint();
    const r = await fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (!ok.includes(r.status)) refused++;
  };
  await mapLimit(picks, 4, async (orderId) => {
    // An order in shipped refuses both (409): its Update still reaches the workflow, validator first.
    await timed(holdMs, () => httpJson(base, 'POST', `/orders/${orderId}/holds`, { reason: 'other' }, { timeoutMs: 60_000 }), [201, 409]);
    await timed(cancelMs, () => httpJson(base, 'POST', `/orders/${orderId}/cancel`, { reason: 'idle bench' }, { timeoutMs: 60_000 }), [200, 409]);
  });
  const after = await scrape();
  const delta = (name: string) => (metric(after, name) ?? 0) - (metric(before, name) ?? 0);
  const hits = delta('temporal_sticky_cache_hit') + delta('temporal_sticky_cache_hit_total');
  const misses = delta('temporal_sticky_cache_miss') + delta('temporal_sticky_cache_miss_total');
  return {
    picks,
    step: {
      cache: { hits, misses, hitRate: hits + misses > 0 ? hits / (hits + misses) : NaN, size: metric(after, 'temporal_sticky_cache_size') },
      hold: latencies(holdMs),
      cancel: latencies(cancelMs),
      refused,
    },
  };
}

const formatSplit = (m: MemorySplit) =>
  `RSS ${fmt(m.rssMb, 0)} MB${m.relayRssMb ? ` (relay ${fmt(m.relayRssMb, 0)})` : ''} = main heap ${fmt(m.mainHeapMb, 0)} (used ${fmt(m.mainHeapUsedMb, 0)}) + workflow heap ${fmt(m.workflowHeapMb, 0)} (used ${fmt(m.workflowHeapUsedMb, 0)}) + native ${fmt(m.nativeMb, 0)}`;

export function formatIdle(r: IdleReport): string {
  const rows = r.steps.map(
    (s) =>
      `| ${s.open} | ${fmt(s.startSeconds, 0)} s | ${fmt(s.rssMb, 0)} MB | ${s.freshRssMb !== undefined ? `${fmt(s.freshRssMb, 0)} MB` : '—'} | ${fmt(s.afterUpdatesRssMb, 0)} MB | ${s.cache.hits} / ${s.cache.misses} (size ${s.cache.size ?? 'n/a'}) | ${fmt(s.hold.p50, 0)} / ${fmt(s.hold.p99, 0)} ms | ${fmt(s.cancel.p50, 0)} / ${fmt(s.cancel.p99, 0)} ms | ${s.refused} |`,
  );
  return [
    `up to ${r.orders} orders idle on one worker (${fmt(r.shippedShare * 100, 0)} % of them in shipped, the rest in picking); goal RSS ≤ 500 MB, Update p99 ≤ 1000 ms; RSS with no order ${fmt(r.baselineRssMb, 0)} MB`,
    '',
    '| open orders | since start | worker RSS (took the intake) | fresh worker RSS | RSS after Updates | cache hits / misses | hold p50 / p99 | cancel p50 / p99 | unexpected answers |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    'The intake worker\'s memory at each step (MB; RSS of the worker and its relay if it has one; heaps are resident pages, "used" live + garbage; native = RSS − heaps), as found 5 s after the intake, at rest (the last sample of the rest, no GC asked for) and after a full GC in every isolate:',
    '',
    '| open orders | RSS (relay) | main heap (used) | workflow heap (used) | native | at rest: RSS | main heap (used) | workflow heap (used) | native | after GC: RSS | main heap (used) | workflow heap (used) | native |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.steps.map((s) => {
      const a = s.split;
      const b = s.afterGc;
      const rest = s.atRest ?? a;
      if (!a || !b || !rest) return `| ${s.open} | n/a |`;
      const cells = (m: MemorySplit) => `${fmt(m.rssMb, 0)}${m.relayRssMb ? ` (${fmt(m.relayRssMb, 0)})` : ''} | ${fmt(m.mainHeapMb, 0)} (${fmt(m.mainHeapUsedMb, 0)}) | ${fmt(m.workflowHeapMb, 0)} (${fmt(m.workflowHeapUsedMb, 0)}) | ${fmt(m.nativeMb, 0)}`;
      return `| ${s.open} | ${cells(a)} | ${cells(rest)} | ${cells(b)} |`;
    }),
  ].join('\n');
}
