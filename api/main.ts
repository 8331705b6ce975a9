/**
 * Process entry of an API replica (`node dist/api/main.js`): the HTTP API only, no
 * worker. The database is expected to be migrated already (dist/cli/migrate.js).
 * On SIGTERM/SIGINT: stop accepting, let in-flight requests finish within
 * SHUTDOWN_GRACE, close the pools, exit 0.
 */
import http from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { ConfigError, loadConfig } from '../config/config';
import { createKnex } from '../infra/database';
import { connectionOptions } from '../infra/temporal-connection';
import { dataConverter } from '../infra/payload-codec';
import { createLedger } from '../ledger/ledger';
import { createClosedOrdersCheck } from '../activities/workflow-state';
import { createApp } from './app';
import { createLogger } from './logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, base: { service: 'api', pid: process.pid } });

  const knex = createKnex(config.databaseUrl, config.databasePoolMax);
  const ledger = createLedger(knex);
  const connection = await Connection.connect(connectionOptions(config.temporal));
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config.security.encryptionKeys) });
  const app = createApp({
    config,
    ledger,
    knex,
    client,
    logger,
    closedOrdersCheck: createClosedOrdersCheck(client, config.temporal.namespace),
  });

  let stopping = false;
  const server = http.createServer((req, res) => {
    // While draining, tell keep-alive clients to reconnect (to another replica).
    if (stopping) res.setHeader('Connection', 'close');
    app(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.security.host, () => resolve());
  });
  const address = server.address();
  logger.info('api listening', {
    port: typeof address === 'object' && address ? address.port : config.port,
    host: typeof address === 'object' && address ? address.address : config.security.host,
    hostReason: config.security.hostReason,
    payloadEncryption: config.security.encryptionKeys.length > 0 ? `on (key ${config.security.encryptionKeys[0].id})` : 'off',
    temporal: config.temporal.address,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    auth: config.apiKeys.size > 0 ? 'on' : 'off',
  });

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal, graceMs: config.shutdownGraceMs });
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const grace = setTimeout(() => {
      logger.warn('grace period over: closing the remaining connections');
      server.closeAllConnections();
    }, config.shutdownGraceMs);
    grace.unref();
    await closed;
    clearTimeout(grace);
    await Promise.allSettled([knex.destroy(), connection.close()]);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError ? err.message : `api: ${err instanceof Error ? err.message : String(err)}`;
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: message, service: 'api' })}\n`);
  process.exit(1);
});
