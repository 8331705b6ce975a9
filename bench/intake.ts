/**
 * Intake bench: `POST /orders` on the real API process (`node dist/api/main.js`) at a
 * constant open-loop rate (requests are scheduled by the clock, latency counts from the
 * scheduled moment, so a stall is not hidden), at 50% and 80% of the saturation measured
 * first with a closed loop of 16 clients. Baseline: `client.workflow.start` from this
 * process at the same rates with the same start options (id, reuse policy, search
 * attributes, summary, details, memo). No worker polls the task queue in either case.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { freePort } from '../platform/dev-server';
import { canonicalHash } from '../api/canonical';
import { REQUEST_HASH_MEMO } from '../api/order-gateway';
import type { orderWorkflow } from '../workflows';
import { orderStartOptions } from '../workflows/order/start-options';
import { fmt, hex, latencies, sleep, type Cleanup, type Latencies } from './common';
import { benchOrderInput } from './e2e';
import { httpJson } from './http';
import { spawnProduct, waitApiReady } from './processes';

export interface IntakeOptions {
  client: Client;
  address: string;
  namespace: string;
  databaseUrl: string;
  seconds: number;
  saturationSeconds?: number;
  clients?: number;
  log?: (line: string) => void;
  cleanup: Cleanup;
}

export interface OpenLoopResult extends Latencies {
  rate: number;
  sent: number;
  errors: number;
  achieved: number;
}

export interface IntakeRate {
  label: string;
  rate: number;
  api: OpenLoopResult;
  baseline: OpenLoopResult;
  p99Ratio: number;
}

export interface IntakeReport {
  saturation: { api: number; baseline: number; clients: number; seconds: number };
  rates: IntakeRate[];
}

type Op = (i: number) => Promise<boolean>;

/** Closed loop: `clients` lanes, each sends the next request when the previous one answered. */
async function closedLoop(clients: number, seconds: number, op: Op): Promise<{ perSecond: number; errors: number }> {
  let done = 0;
  let errors = 0;
  let seq = 0;
  const stopAt = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < stopAt) {
        if (await op(seq++)) done++;
        else errors++;
      }
    }),
  );
  return { perSecond: done / ((performance.now() - t0) / 1000), errors };
}

/**
 * Open loop: request i is due at t0 + i/rate; whatever is due is sent at once, without
 * waiting for earlier answers. Latency = answer time − due time.
 */
async function openLoop(rate: number, seconds: number, op: Op, maxInFlight = 5_000): Promise<OpenLoopResult> {
  const n = Math.max(1, Math.round(rate * seconds));
  const lat: number[] = [];
  let errors = 0;
  let inFlight = 0;
  const pending: Promise<void>[] = [];
  const t0 = performance.now() + 20;
  for (let i = 0; i < n; ) {
    const now = performance.now();
    for (; i < n && t0 + (i * 1000) / rate <= now; i++) {
      const due = t0 + (i * 1000) / rate;
      if (inFlight >= maxInFlight) {
        errors++;
        continue;
      }
      inFlight++;
      const idx = i;
      pending.push(
        op(idx).then(
          (ok) => {
            inFlight--;
            if (ok) lat.push(performance.now() - due);
            else errors++;
          },
          () => {
            inFlight--;
            errors++;
          },
        ),
      );
    }
    if (i < n) {
      const wait = t0 + (i * 1000) / rate - performance.now();
      await sleep(Math.max(0, Math.min(wait, 50)));
    }
  }
  await Promise.race([Promise.all(pending), sleep(60_000)]);
  const elapsed = (performance.now() - t0) / 1000;
  return { ...latencies(lat), rate, sent: n, errors, achieved: lat.length / elapsed };
}

export async function runIntakeBench(opts: IntakeOptions): Promise<IntakeReport> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const clients = opts.clients ?? 16;
  const satSeconds = opts.saturationSeconds ?? 4;
  const taskQueue = `bench-intake-${hex()}`;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const api = spawnProduct(
    'api',
    {
      DATABASE_URL: opts.databaseUrl,
      TEMPORAL_ADDRESS: opts.address,
      TEMPORAL_NAMESPACE: opts.namespace,
      TASK_QUEUE: taskQueue,
      PORT: String(port),
      METRICS_PORT: '0',
      LOG_LEVEL: process.env.BENCH_API_LOG_LEVEL ?? 'info',
      SHUTDOWN_GRACE: '5s',
    },
    opts.cleanup,
    'intake-api',
  );
  try {
    await waitApiReady(api, base);
    const run = hex();
    let n = 0;
    const apiOp: Op = async () => {
      const orderId = `in-${run}-a${n++}`;
      const { timeouts: _t, ...body } = benchOrderInput(orderId, 'INTAKE-SKU');
      const r = await httpJson(base, 'POST', '/orders', body, { timeoutMs: 30_000 });
      return r.status === 202;
    };
    const baseOp: Op = async () => {
      const input = benchOrderInput(`in-${run}-b${n++}`, 'INTAKE-SKU');
      const { timeouts: _t, ...request } = input;
      const o = orderStartOptions(input, taskQueue);
      try {
        await opts.client.workflow.start<typeof orderWorkflow>('orderWorkflow', { ...o, memo: { [REQUEST_HASH_MEMO]: canonicalHash(request) } });
        return true;
      } catch {
        return false;
      }
    };

    // Warm-up of both paths (connections, JIT), not counted.
    await closedLoop(8, 1, apiOp);
    await closedLoop(8, 1, baseOp);
    const satApi = await closedLoop(clients, satSeconds, apiOp);
    const satBase = await closedLoop(clients, satSeconds, baseOp);
    log(`intake saturation (closed loop, ${clients} clients, ${satSeconds} s): API ${fmt(satApi.perSecond)}/s (${satApi.errors} errors), raw start ${fmt(satBase.perSecond)}/s (${satBase.errors} errors)`);

    const rates: IntakeRate[] = [];
    for (const frac of [0.5, 0.8]) {
      const rate = Math.max(1, Math.round(satApi.perSecond * frac));
      await sleep(1_000);
      const baseline = await openLoop(rate, opts.seconds, baseOp);
      await sleep(1_000);
      const apiRes = await openLoop(rate, opts.seconds, apiOp);
      const row = { label: `${frac * 100}%`, rate, api: apiRes, baseline, p99Ratio: apiRes.p99 / baseline.p99 };
      rates.push(row);
      log(
        `intake @${row.label} (${rate}/s, ${opts.seconds} s): API p50 ${fmt(apiRes.p50)} p99 ${fmt(apiRes.p99)} ms (${apiRes.errors} errors) · raw start p50 ${fmt(baseline.p50)} p99 ${fmt(baseline.p99)} ms (${baseline.errors} errors) · p99 ratio ${fmt(row.p99Ratio, 2)}×`,
      );
    }
    return { saturation: { api: satApi.perSecond, baseline: satBase.perSecond, clients, seconds: satSeconds }, rates };
  } finally {
    await api.stop(10_000);
  }
}

export function formatIntake(r: IntakeReport): string {
  return [
    `saturation (closed loop, ${r.saturation.clients} clients, ${r.saturation.seconds} s): POST /orders ${fmt(r.saturation.api)}/s; raw client.workflow.start ${fmt(r.saturation.baseline)}/s`,
    '',
    '| load | rate /s | API p50 ms | API p99 ms | API errors | raw start p50 ms | raw start p99 ms | raw errors | p99 ratio (goal ≤ 2×) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.rates.map(
      (x) =>
        `| ${x.label} of API saturation | ${x.rate} | ${fmt(x.api.p50)} | ${fmt(x.api.p99)} | ${x.api.errors} | ${fmt(x.baseline.p50)} | ${fmt(x.baseline.p99)} | ${x.baseline.errors} | **${fmt(x.p99Ratio, 2)}×** ${x.p99Ratio <= 2 ? 'met' : 'NOT met'} |`,
    ),
  ].join('\n');
}
