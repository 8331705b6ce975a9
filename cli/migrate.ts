import { ConfigError, loadConfig } from '../config/config';
import { createKnex, prepareDatabase } from '../platform/database';
import { prepareSecrets } from '../app/secrets-at-start';
import { createLogger } from '../platform/logger';

/** One-shot migration entry for deployments that run it before scaling the app out. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.logLevel, base: { service: 'migrate' } });
  const applied = await prepareDatabase(config.databaseUrl);
  log.info(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date', { applied });
  // Secrets written before migration 010, or without SECRETS_KEY, are sealed now that a key is set.
  const knex = createKnex(config.databaseUrl, 1);
  try {
    await prepareSecrets(knex, config, log);
  } finally {
    await knex.destroy();
  }
}

main().catch((err: unknown) => {
  createLogger({ base: { service: 'migrate' } }).error(err instanceof ConfigError ? err.message : `migrate: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
