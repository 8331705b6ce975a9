import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { figures } from './ledger-load';
import type { LoadFigures } from './ledger-load';

const run = promisify(execFile);

export const PGBENCH = process.env.PGBENCH_PATH ?? '/usr/bin/pgbench';

/**
 * Runs a custom pgbench script and returns its throughput and per-transaction latency
 * percentiles, read from pgbench's transaction log (`-l`), whose third field is the
 * latency in microseconds.
 */
export async function pgbench(databaseUrl: string, script: string, clients: number, seconds: number): Promise<LoadFigures> {
  const url = new URL(databaseUrl);
  const dir = await mkdtemp(join(tmpdir(), 'ledger-pgbench-'));
  try {
    const scriptPath = join(dir, 'script.sql');
    await writeFile(scriptPath, script);
    const args = [
      '-n',
      '-h', url.hostname,
      '-p', url.port || '5432',
      '-U', decodeURIComponent(url.username || 'postgres'),
      '-c', String(clients),
      '-j', String(Math.min(clients, 2)),
      '-T', String(seconds),
      '-f', scriptPath,
      '-l', '--log-prefix', join(dir, 'log'),
      decodeURIComponent(url.pathname.slice(1)),
    ];
    const env = { ...process.env, ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}) };
    const { stdout } = await run(PGBENCH, args, { env, maxBuffer: 1 << 20 });
    const tps = Number(/tps = ([0-9.]+) \(without initial connection time\)/.exec(stdout)?.[1]);
    const latencies: number[] = [];
    for (const file of (await readdir(dir)).filter((f) => f.startsWith('log'))) {
      for (const line of (await readFile(join(dir, file), 'utf8')).split('\n')) {
        const micros = Number(line.split(' ')[2]);
        if (line && Number.isFinite(micros)) latencies.push(micros / 1000);
      }
    }
    const f = figures(latencies, seconds);
    return { ...f, perSecond: Number.isFinite(tps) ? tps : f.perSecond };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
