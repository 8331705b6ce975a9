import { randomBytes } from 'node:crypto';
import { prepareDatabase } from '../../infra/database';

/**
 * Runs once per jest run: a fresh Postgres database with a random name (migrated) and
 * one Temporal dev server. Suites read the addresses from the environment, which jest
 * hands to its workers because they start after this.
 */
export default async function globalSetup(): Promise<void> {
  const base = new URL(process.env.TEST_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/fulfillment_test_${randomBytes(4).toString('hex')}`;
  const databaseUrl = base.toString();
  await prepareDatabase(databaseUrl);
  process.env.DATABASE_URL = databaseUrl;
  process.env.NODE_ENV = 'test';
}
