import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { prepareDatabase } from '../../platform/database';
import { startDevServer, type DevServer } from '../../platform/dev-server';
import { findTemporalCli } from '../../platform/temporal-cli';

/**
 * The console's browser suite needs dist/console; a Vite build takes a few seconds, so every run makes a fresh one,
 * on API types generated afresh from the OpenAPI document (scripts/api-types.js, as `npm run build:console` does).
 */
async function buildConsole(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  await promisify(execFile)(process.execPath, [path.join(root, 'scripts', 'api-types.js')], { cwd: root });
  await promisify(execFile)(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'console'], { cwd: root });
}

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
    buildConsole(),
  ]);
  globalThis.__temporalDevServer = server;
  process.env.DATABASE_URL = databaseUrl;
  process.env.TEMPORAL_ADDRESS = server.address;
  process.env.TEMPORAL_NAMESPACE = 'default';
  process.env.NODE_ENV = 'test';
}
