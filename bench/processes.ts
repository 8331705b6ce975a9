/**
 * The product's process entries (`dist/worker/main.js`, `dist/api/main.js`) as children of
 * the bench, with their output kept in a ring buffer for the report. Every child is
 * killed when the bench exits, however it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { httpJson } from './http';
import { sleep, type Cleanup } from './common';

export type ProductKind = 'worker' | 'api';

export interface ProductProcess {
  kind: ProductKind;
  pid: number;
  child: ChildProcess;
  logs: string[];
  exited: Promise<number | string | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  kill9(): Promise<void>;
  alive(): boolean;
}

const live = new Set<ChildProcess>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

export function entryPath(kind: ProductKind): string {
  // dist/bench/processes.js → dist/<kind>/main.js; BENCH_PRODUCT_DIST: another build's dist/ (a before/after run).
  return path.join(process.env.BENCH_PRODUCT_DIST ?? path.join(__dirname, '..'), kind, 'main.js');
}

export function spawnProduct(kind: ProductKind, env: Record<string, string>, cleanup: Cleanup, label: string = kind): ProductProcess {
  hookExit();
  const child = spawn(process.execPath, [entryPath(kind)], {
    // Nothing of the bench's own environment: the product's defaults, plus what the caller sets.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const logs: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      logs.push(line);
      if (logs.length > 400) logs.shift();
      if (process.env.BENCH_CHILD_LOG === '1') console.error(`[${label} ${child.pid}] ${line}`);
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal);
    }),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  const proc: ProductProcess = {
    kind,
    pid: child.pid ?? -1,
    child,
    logs,
    exited,
    alive,
    async stop(graceMs = 15_000) {
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill9() {
      if (!alive()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  cleanup.add(`stop ${label} ${child.pid}`, () => proc.stop(5_000));
  return proc;
}

/** Waits until the API answers GET /health with 200 (or the child dies). */
export async function waitApiReady(proc: ProductProcess, base: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!proc.alive()) throw new Error(`api exited early: ${proc.logs.slice(-10).join('\n')}`);
    const r = await httpJson(base, 'GET', '/health', undefined, { timeoutMs: 3_000 });
    if (r.status === 200) return;
    await sleep(250);
  }
  throw new Error(`api not healthy within ${timeoutMs} ms: ${proc.logs.slice(-10).join('\n')}`);
}

/** Waits for the worker's start line (it bundles the workflows first: a few seconds). */
export async function waitWorkerReady(proc: ProductProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!proc.alive()) throw new Error(`worker exited early: ${proc.logs.slice(-10).join('\n')}`);
    // The JSON start line ("worker running", at info) since the pino logger; the old text line before it.
    if (proc.logs.some((l) => l.includes('worker running') || l.includes('[worker] task queue'))) return;
    await sleep(200);
  }
  throw new Error(`worker not ready within ${timeoutMs} ms: ${proc.logs.slice(-10).join('\n')}`);
}
