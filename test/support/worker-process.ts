import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { temporalEnv } from './temporal';

const root = path.resolve(__dirname, '../..');

/** worker/main.ts as its own process, as production runs it (compiled on the fly by swc). */
export function spawnWorkerProcess(taskQueue: string, env: Record<string, string> = {}): ChildProcess & { output: () => string } {
  const { address, namespace } = temporalEnv();
  const child = spawn(process.execPath, ['-r', path.join(root, 'test/support/swc-register.js'), path.join(root, 'worker/main.ts')], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: process.env.DATABASE_URL,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      TASK_QUEUE: taskQueue,
      REAPER_INTERVAL: '1h',
      METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
      // The database is shared by every suite: a dispatcher here would claim (and, failing, pause)
      // other suites' webhook subscriptions. The webhook suites run their own dispatchers.
      WEBHOOK_DELIVERY: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  return Object.assign(child, { output: () => output });
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
