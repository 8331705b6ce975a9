/**
 * Worker process entry: `node dist/worker/main.js` (N replicas). Loads the config, connects
 * Postgres and Temporal, runs the worker until SIGTERM/SIGINT, then drains it and closes
 * the pools. Nothing imports this file.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, loadConfig } from '../config/config';
import { createKnex } from '../infra/database';
import { installRuntime } from '../infra/runtime';
import { connectionOptions } from '../infra/temporal-connection';
import { dataConverter } from '../infra/payload-codec';
import { createLedger } from '../ledger/ledger';
import { maintenanceOptions } from './maintenance';
import { createWorker } from './create-worker';
import { startWebhookLoops } from '../webhooks/loops';

async function main(): Promise<void> {
  const config = loadConfig();
  installRuntime({ logLevel: config.logLevel, metricsBindAddress: config.metricsPort ? `0.0.0.0:${config.metricsPort}` : undefined });

  const knex = createKnex(config.databaseUrl, config.databasePoolMax);
  const ledger = createLedger(knex);
  await ledger.ping();
  const connection = await Connection.connect(connectionOptions(config.temporal));
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config.security.encryptionKeys) });
  const workerConnection = await NativeConnection.connect(connectionOptions(config.temporal));

  const worker = await createWorker({
    connection: workerConnection,
    client,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    ledger,
    config,
    shutdownGraceTime: config.shutdownGraceMs,
    dataConverter: dataConverter(config.security.encryptionKeys),
    maintenance: maintenanceOptions({ knex, retentionMs: config.idempotency.retentionMs, intervalMs: config.idempotency.cleanupIntervalMs }),
  });

  // Beside the Temporal worker, not inside it: see webhooks/loops.ts.
  const webhookLoops = startWebhookLoops(knex, config.webhooks);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: draining (grace ${config.shutdownGraceMs} ms)`);
    worker.shutdown();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  console.log(
    `[worker] task queue ${config.taskQueue} · namespace ${config.temporal.namespace} · warehouse ${config.warehouseMode} · carrier ${config.carrierMode}`,
  );
  try {
    await worker.run(); // resolves once shutdown has drained
  } finally {
    await webhookLoops.stop();
    await workerConnection.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
    await knex.destroy();
  }
  console.log('[worker] stopped');
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
