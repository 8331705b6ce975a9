/**
 * The worker process (started by worker/main.ts): loads the config, connects Postgres and
 * Temporal, runs the worker until SIGTERM/SIGINT, then drains it and closes the pools. Runs
 * when imported; only worker/main.ts imports it.
 */
import { ConfigError, loadConfig } from '../config/config';
import { createLogger } from '../platform/logger';
import { installRuntime } from '../platform/runtime';
import { connectCoreServices } from '../app/services';
import { onShutdown } from '../platform/shutdown';
import { startWorkerService } from '../app/worker-service';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.logLevel, base: { service: 'worker', pid: process.pid } });
  installRuntime({ logger: log, logLevel: config.logLevel, metricsBindAddress: config.metricsPort ? `0.0.0.0:${config.metricsPort}` : undefined });

  const core = await connectCoreServices(config, log);
  await core.ledger.ping();
  const worker = await startWorkerService(config, core, log);
  log.info('worker running', {
    taskQueue: config.taskQueue,
    namespace: config.temporal.namespace,
    warehouse: config.warehouseMode,
    carrier: config.carrierMode,
    mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? "glibc's default",
  });

  const shutdown = onShutdown(log, config.shutdownGraceMs + 15_000, async () => {
    await worker.stop();
    await core.close();
  });
  // A worker that stops by itself (fatal error) takes the process down the same way.
  worker.running.then(
    () => shutdown('worker stopped'),
    () => shutdown('worker failed'),
  );
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError ? err.message : `worker: ${err instanceof Error ? err.message : String(err)}`;
  createLogger({ base: { service: 'worker' } }).error(message, err instanceof ConfigError ? undefined : { err });
  process.exit(1);
});
