/**
 * Process entry of an API replica (`node dist/api/main.js`): the HTTP API only, no
 * worker. The database is expected to be migrated already (dist/cli/migrate.js).
 * On SIGTERM/SIGINT: stop accepting, let in-flight requests finish within
 * SHUTDOWN_GRACE, close the pools, exit 0.
 */
import { ConfigError, loadConfig } from '../config/config';
import { createLogger } from '../platform/logger';
import { composeApi } from '../app/api';
import { connectCoreServices } from '../app/services';
import { serveHttp } from '../platform/http-server';
import { onShutdown } from '../platform/shutdown';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, base: { service: 'api', pid: process.pid } });
  const core = await connectCoreServices(config, logger);
  const app = composeApi(config, core, logger);
  const server = await serveHttp(app, config.port, config.security.host, logger);
  logger.info('api listening', {
    port: server.port,
    host: server.host,
    hostReason: config.security.hostReason,
    payloadEncryption: config.security.encryptionKeys.length > 0 ? `on (key ${config.security.encryptionKeys[0].id})` : 'off',
    temporal: config.temporal.address,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    auth: config.apiKeys.size > 0 ? 'on' : 'off',
  });

  onShutdown(logger, config.shutdownGraceMs + 15_000, async () => {
    await server.close(config.shutdownGraceMs);
    await core.close();
  });
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError ? err.message : `api: ${err instanceof Error ? err.message : String(err)}`;
  createLogger({ base: { service: 'api' } }).error(message);
  process.exit(1);
});
