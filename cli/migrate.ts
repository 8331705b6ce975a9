import { ConfigError, loadConfig } from '../config/config';
import { prepareDatabase } from '../infra/database';

/** One-shot migration entry for deployments that run it before scaling the app out. */
async function main(): Promise<void> {
  const config = loadConfig();
  const applied = await prepareDatabase(config.databaseUrl);
  console.log(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `migrate: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
