/**
 * Shared by the end-to-end, intake and fault benches: scratch databases, bench dev servers
 * (optionally with extra SQLite pragmas), workflow bundles, percentiles and a cleanup stack
 * that runs however the bench ends. Everything talks to 127.0.0.1 only.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { dropDatabase, prepareDatabase } from '../platform/database';
import { SQLITE_FAST_PRAGMAS, startDevServer, type DevServer } from '../platform/dev-server';
import { findTemporalCli } from '../platform/temporal-cli';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const hex = (bytes = 4): string => randomBytes(bytes).toString('hex');

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export interface Latencies {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function latencies(values: number[]): Latencies {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s.length ? s[s.length - 1] : NaN,
    mean: s.length ? s.reduce((t, x) => t + x, 0) / s.length : NaN,
  };
}

export const fmt = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/** Runs `fn` over `items` with at most `limit` calls in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i], i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/** Polls until `probe` returns something other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    await sleep(intervalMs);
  }
  throw new Error(`${what}: not reached within ${timeoutMs} ms${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

/** LIFO cleanups that run once, on success, failure or SIGINT/SIGTERM. */
export class Cleanup {
  private readonly steps: { name: string; fn: () => Promise<unknown> | unknown }[] = [];
  private ran = false;

  add(name: string, fn: () => Promise<unknown> | unknown): void {
    this.steps.push({ name, fn });
  }

  async run(): Promise<void> {
    if (this.ran) return;
    this.ran = true;
    for (const step of this.steps.reverse()) {
      try {
        await Promise.race([Promise.resolve(step.fn()), sleep(30_000).then(() => Promise.reject(new Error('cleanup step timed out')))]);
      } catch (err) {
        console.error(`[cleanup] ${step.name}: ${(err as Error).message}`);
      }
    }
  }

  /** Ctrl-C / SIGTERM: clean up, then exit 130. */
  installSignalHandlers(): void {
    const onSignal = (signal: NodeJS.Signals) => {
      console.error(`[bench] ${signal}: cleaning up`);
      void this.run().finally(() => process.exit(130));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
}

export const PG_BASE = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A migrated scratch database `fulfillment_bench_<random>`, dropped by the cleanup. */
export async function scratchDatabase(cleanup: Cleanup, label: string): Promise<string> {
  const u = new URL(PG_BASE);
  u.pathname = `/fulfillment_bench_${label}_${hex()}`;
  const url = u.toString();
  cleanup.add(`drop ${u.pathname.slice(1)}`, () => dropDatabase(url));
  await prepareDatabase(url);
  return url;
}

export interface BenchDevServerOptions {
  /** SQLite file: the dev server keeps its state there (as `npm start` does). Default: a file in a temp dir. */
  dbFile?: string;
  /** In memory (no file) when true. */
  inMemory?: boolean;
  /** Extra `--sqlite-pragma NAME=VALUE` flags (only with a file). */
  pragmas?: string[];
  port?: number;
  namespace?: string;
}

export interface BenchDevServer extends DevServer {
  dbFile?: string;
  port: number;
}

export function temporalCliPath(): string {
  return findTemporalCli({ cliPath: process.env.TEMPORAL_CLI_PATH, pathEnv: process.env.PATH });
}

let tempRoot: string | undefined;
export function benchTempDir(cleanup: Cleanup): string {
  if (!tempRoot) {
    const dir = mkdtempSync(path.join(tmpdir(), 'fulfillment-bench-'));
    tempRoot = dir;
    cleanup.add(`rm ${dir}`, () => {
      rmSync(dir, { recursive: true, force: true });
      if (tempRoot === dir) tempRoot = undefined;
    });
  }
  return tempRoot;
}

export async function startBenchDevServer(cleanup: Cleanup, opts: BenchDevServerOptions = {}): Promise<BenchDevServer> {
  const dir = benchTempDir(cleanup);
  const cli = temporalCliPath();
  const dbFile = opts.inMemory ? undefined : (opts.dbFile ?? path.join(dir, `temporal-${hex()}.sqlite`));
  const server = await startDevServer({
    cliPath: cli,
    sqlitePragmas: dbFile ? opts.pragmas : undefined,
    port: opts.port ?? 0,
    namespace: opts.namespace ?? 'default',
    dbFile,
    onOutput: process.env.BENCH_TEMPORAL_LOG === '1' ? (line) => console.error(`[temporal] ${line}`) : undefined,
  });
  cleanup.add(`stop dev server ${server.address}`, () => server.stop());
  return { ...server, dbFile, port: Number(server.address.split(':').pop()) };
}

const quietLogger = () => {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error };
};

export function bundle(workflowsPath: string): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, logger: quietLogger() });
}

/**
 * The bench dev server's SQLite pragmas: BENCH_SQLITE_PRAGMAS="a=b,c=d", "none" for the
 * dev server's own defaults. Default WAL + synchronous=NORMAL: with the CLI's defaults every
 * commit waits for an fsync and the e2e baseline drops ~8× (see BENCHMARKS.md).
 */
export const DEFAULT_BENCH_PRAGMAS = SQLITE_FAST_PRAGMAS;
export function pragmasFromEnv(): string[] {
  const raw = process.env.BENCH_SQLITE_PRAGMAS;
  if (raw === undefined || raw === '') return DEFAULT_BENCH_PRAGMAS;
  if (raw === 'none') return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`${name}=${raw} is not a number`);
  return n;
}

export function envIntOpt(name: string): number | undefined {
  const raw = process.env[name];
  return raw === undefined || raw === '' ? undefined : envInt(name, 0);
}
