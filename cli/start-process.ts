/**
 * `npm start`: the whole system in one process for a laptop: migrates Postgres, uses (or
 * starts) a Temporal dev server, runs a worker and the API, and stops them in order. Runs when
 * imported; only cli/start.ts imports it.
 */
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { composeApi } from '../app/api';
import { ConfigError, loadConfig, type Config } from '../config/config';
import { prepareDatabase } from '../platform/database';
import { SQLITE_FAST_PRAGMAS, startDevServer, type DevServer } from '../platform/dev-server';
import { createLogger, type Logger } from '../platform/logger';
import { installRuntime } from '../platform/runtime';
import { registerSearchAttributes } from '../platform/search-attributes';
import { connectCoreServices } from '../app/services';
import { serveHttp } from '../platform/http-server';
import { onShutdown } from '../platform/shutdown';
import { findTemporalCli, PROJECT_ROOT } from '../platform/temporal-cli';
import { connectionOptions, temporalAnswers } from '../platform/temporal-connection';
import { startWorkerService } from '../app/worker-service';

function isLocal(address: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+$/.test(address);
}

/** Uses a Temporal that already answers at TEMPORAL_ADDRESS, else starts the dev server there. */
async function ensureTemporal(config: Config, log: Logger): Promise<DevServer | undefined> {
  const options = connectionOptions(config.temporal);
  if (await temporalAnswers(options)) {
    const connection = await Connection.connect(options);
    try {
      const added = await registerSearchAttributes(connection, config.temporal.namespace);
      log.info(`using the Temporal server at ${config.temporal.address}`, { registeredSearchAttributes: added });
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
  log.info('starting temporal server start-dev', { cliPath, state: path.relative(process.cwd(), dbFile) });
  return startDevServer({
    cliPath,
    port: Number(config.temporal.address.split(':').pop()),
    uiPort: config.temporal.uiPort,
    dbFile,
    sqlitePragmas: SQLITE_FAST_PRAGMAS,
    namespace: config.temporal.namespace,
    onOutput: (line) => log.info(line, { component: 'temporal-dev-server' }),
    uiCodecEndpoint: config.security.encryptionKeys.length ? `http://localhost:${config.port}/codec` : undefined,
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.logLevel, base: { service: 'start' } });
  const started = Date.now();
  // The runtime's Prometheus endpoint stays on loopback here; the API's /metrics serves it.
  installRuntime({ logger: log, logLevel: config.logLevel === 'debug' ? 'debug' : 'warn', metricsBindAddress: config.metricsPort ? `127.0.0.1:${config.metricsPort}` : undefined });

  // Postgres first: it fails fast (closed port, bad URL), before we spend seconds on Temporal.
  const applied = await prepareDatabase(config.databaseUrl);
  log.info('database ready', { applied });

  const devServer = await ensureTemporal(config, log);
  const core = await connectCoreServices(config, log);
  const worker = await startWorkerService(config, core, log);
  const app = composeApi(config, core, log.child({ service: 'api' }), {
    metricsSources: config.metricsPort ? [`http://127.0.0.1:${config.metricsPort}/metrics`, ...config.metricsSources] : config.metricsSources,
  });
  const server = await serveHttp(app, config.port, config.security.host, log);

  log.info(`up in ${((Date.now() - started) / 1000).toFixed(1)} s`, {
    api: `http://localhost:${server.port}`,
    docs: `http://localhost:${server.port}/docs`,
    temporalUi: `${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows`,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    temporal: config.temporal.address,
    mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? "glibc's default",
  });
  if (config.apiKeys.size === 0) log.warn('API_KEYS is not set: authentication is OFF');
  log.info(`listening on ${server.host}:${server.port} because ${config.security.hostReason}`);
  if (config.security.encryptionKeys.length) {
    log.info(`payloads encrypted (key ${config.security.encryptionKeys[0].id}); codec server http://localhost:${server.port}/codec`);
  }

  const shutdown = onShutdown(log, config.shutdownGraceMs + 15_000, async () => {
    await server.close(config.shutdownGraceMs);
    await worker.stop();
    await core.close();
    await devServer?.stop();
  });
  worker.running.catch((err: unknown) => {
    log.error('worker failed', { err });
    shutdown('worker failure');
  });
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err);
  createLogger({ base: { service: 'start' } }).error(message);
  process.exit(1);
});
