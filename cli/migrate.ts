import { ConfigError, loadConfig } from '../config/config';
import { prepareDatabase } from '../platform/database';
import { createLogger } from '../platform/logger';

/** One-shot migration entry for deployments that run it before scaling the app out. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.logLevel, base: { service: 'migrate' } });
  const applied = await prepareDatabase(config.databaseUrl);
  log.info(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date', { applied });
}

main().catch((err: unknown) => {
  createLogger({ base: { service: 'migrate' } }).error(err instanceof ConfigError ? err.message : `migrate: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
