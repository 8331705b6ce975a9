import { randomBytes } from 'node:crypto';
import { prepareDatabase } from '../../infra/database';
import { startDevServer, type DevServer } from '../../infra/dev-server';
import { findTemporalCli } from '../../infra/temporal-cli';

declare global {
  var __temporalDevServer: DevServer | undefined;
}

/**
 * Runs once per jest run: a fresh Postgres database with a random name (migrated) and
 * one in-memory, headless Temporal dev server. Suites read the addresses from the
 * environment, which jest hands to its workers because they start after this.
 */
export default async function globalSetup(): Promise<void> {
  const base = new URL(process.env.TEST_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/fulfillment_test_${randomBytes(4).toString('hex')}`;
  const databaseUrl = base.toString();

  const cliPath = findTemporalCli({ cliPath: process.env.TEMPORAL_CLI_PATH, pathEnv: process.env.PATH });
  const [server] = await Promise.all([
    startDevServer({ cliPath, port: 0, namespace: 'default', onOutput: (l) => process.env.DEBUG_TEMPORAL && console.error(l) }),
    prepareDatabase(databaseUrl),
  ]);
  globalThis.__temporalDevServer = server;
  process.env.DATABASE_URL = databaseUrl;
  process.env.TEMPORAL_ADDRESS = server.address;
  process.env.TEMPORAL_NAMESPACE = 'default';
  process.env.NODE_ENV = 'test';
}
