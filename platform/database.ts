import knexFactory, { type Knex } from 'knex';
import { Client } from 'pg';
import { installSqlFunctions, migrationSource } from '../migrations';

export class DatabaseUnreachableError extends Error {
  constructor(databaseUrl: string, cause: unknown) {
    const u = new URL(databaseUrl);
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Cannot reach PostgreSQL at ${u.hostname}:${u.port || 5432} (from DATABASE_URL): ${reason}`);
    this.name = 'DatabaseUnreachableError';
  }
}

function databaseName(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`DATABASE_URL: database name "${name}" must be letters, digits, _ or -`);
  return name;
}

function maintenanceUrl(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  u.pathname = '/postgres';
  return u.toString();
}

async function withMaintenanceClient<T>(databaseUrl: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: maintenanceUrl(databaseUrl), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new DatabaseUnreachableError(databaseUrl, err);
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  await withMaintenanceClient(databaseUrl, async (c) => {
    const found = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await c.query(`CREATE DATABASE "${name}"`);
      } catch (err) {
        // Two processes starting at once: the other one won the race.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  });
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  await withMaintenanceClient(databaseUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

export function createKnex(databaseUrl: string, poolMax = 10): Knex {
  return knexFactory({
    client: 'pg',
    connection: { connectionString: databaseUrl, connectionTimeoutMillis: 5_000 },
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10_000,
  });
}

/** The DDL migrations not yet applied, then every function's current .sql (migrations/sql-functions.ts). */
export async function migrate(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest({ migrationSource })) as [number, string[]];
  await installSqlFunctions(knex);
  return applied;
}

/** ensureDatabase + migrate on a short-lived connection. */
export async function prepareDatabase(databaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const knex = createKnex(databaseUrl, 1);
  try {
    return await migrate(knex);
  } finally {
    await knex.destroy();
  }
}
