import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, loadConfig, type Config } from '../config/config';
import { createKnex, prepareDatabase } from '../infra/database';
import { SQLITE_FAST_PRAGMAS, startDevServer, type DevServer } from '../infra/dev-server';
import { registerSearchAttributes } from '../infra/search-attributes';
import { connectionOptions, temporalAnswers } from '../infra/temporal-connection';
import { findTemporalCli, PROJECT_ROOT } from '../infra/temporal-cli';
import { createLedger } from '../ledger/ledger';
import { installRuntime } from '../infra/runtime';
import http from 'node:http';
import { maintenanceOptions } from '../worker/maintenance';
import { createWorker } from '../worker/create-worker';
import { startWebhookLoops } from '../webhooks/loops';
import { createApp } from '../api/app';
import { dataConverter } from '../infra/payload-codec';

const say = (line: string) => console.log(`[start] ${line}`);

function isLocal(address: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+$/.test(address);
}

/** Uses a Temporal that already answers at TEMPORAL_ADDRESS, else starts the dev server there. */
async function ensureTemporal(config: Config): Promise<DevServer | undefined> {
  const options = connectionOptions(config.temporal);
  if (await temporalAnswers(options)) {
    const connection = await Connection.connect(options);
    try {
      const added = await registerSearchAttributes(connection, config.temporal.namespace);
      say(`using the Temporal server at ${config.temporal.address}${added.length ? ` (registered ${added.join(', ')})` : ''}`);
    } finally {
      await connection.close();
    }
    return undefined;
  }
  if (!isLocal(config.temporal.address)) {
    throw new Error(`Nothing answers at TEMPORAL_ADDRESS=${config.temporal.address}, and it is not local, so no dev server is started there.`);
  }
  const cliPath = findTemporalCli({ cliPath: config.temporal.cliPath, pathEnv: process.env.PATH });
  const dbFile = path.join(PROJECT_ROOT, '.data', 'temporal.sqlite');
  say(`starting temporal server start-dev (${cliPath}), state in ${path.relative(process.cwd(), dbFile)}`);
  return startDevServer({
    cliPath,
    port: Number(config.temporal.address.split(':').pop()),
    uiPort: config.temporal.uiPort,
    dbFile,
    sqlitePragmas: SQLITE_FAST_PRAGMAS,
    namespace: config.temporal.namespace,
    onOutput: (line) => console.error(`[temporal] ${line}`),
    uiCodecEndpoint: config.security.encryptionKeys.length ? `http://localhost:${config.port}/codec` : undefined,
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const started = Date.now();
  // The runtime's Prometheus endpoint stays on loopback here; the API's /metrics serves it.
  installRuntime({ logLevel: config.logLevel === 'debug' ? 'debug' : 'warn', metricsBindAddress: config.metricsPort ? `127.0.0.1:${config.metricsPort}` : undefined });

  // Postgres first: it fails fast (closed port, bad URL), before we spend seconds on Temporal.
  const applied = await prepareDatabase(config.databaseUrl);
  say(`database ready${applied.length ? ` (applied ${applied.join(', ')})` : ''}`);

  const devServer = await ensureTemporal(config);
  const knex = createKnex(config.databaseUrl, config.databasePoolMax);
  const ledger = createLedger(knex);
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
  const workerRun = worker.run();
  const webhookLoops = startWebhookLoops(knex, config.webhooks);
  const app = createApp({
    config,
    ledger,
    knex,
    client,
    metricsSources: config.metricsPort ? [`http://127.0.0.1:${config.metricsPort}/metrics`, ...config.metricsSources] : config.metricsSources,
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(config.port, config.security.host, () => resolve()));

  say(`up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  say(`API          http://localhost:${config.port}   (docs: http://localhost:${config.port}/docs)`);
  say(`Temporal UI  ${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows`);
  say(`namespace    ${config.temporal.namespace} · task queue ${config.taskQueue} · Temporal ${config.temporal.address}`);
  if (config.apiKeys.size === 0) say('API_KEYS is not set: authentication is OFF');
  say(`listening on ${config.security.host}:${config.port} because ${config.security.hostReason}`);
  if (config.security.encryptionKeys.length) say(`payloads encrypted (key ${config.security.encryptionKeys[0].id}); codec server http://localhost:${config.port}/codec`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), config.shutdownGraceMs + 15_000);
    force.unref();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs).unref();
    await closed;
    worker.shutdown();
    await workerRun.catch((err) => console.error(err));
    await webhookLoops.stop();
    await workerConnection.close();
    await connection.close();
    await knex.destroy();
    await devServer?.stop();
    say('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  workerRun.catch((err) => {
    console.error('[start] worker failed:', err);
    void stop('worker failure');
  });
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(`[start] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
