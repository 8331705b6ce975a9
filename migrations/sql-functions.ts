import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';

/*
 * The database's functions are code, not schema: each one's single current definition is a
 * `.sql` file beside the code it serves (ledger/sql/, orders/sql/, webhooks/sql/, …), holding
 * one `CREATE OR REPLACE` of the function named like the file and nothing else but comments (it
 * runs at every start: triggers and data changes belong in migrations). docs/database-functions.md
 *
 * installSqlFunctions() runs after the DDL migrations at every migrate (prepareDatabase: npm
 * start, every process entry, the tests' global setup): every `<folder>/sql/*.sql` directly under
 * the project root, folders and then files in code-point order, in one transaction under an
 * advisory lock so that processes starting together do not interleave. Running a file again
 * changes nothing, and a database created by an older release (whose migrations pasted the
 * bodies) gets the current ones on its next start.
 *
 * Adding a function is adding its file; nothing is registered here. The migration that
 * introduces a function also installs it with installSqlFiles() (so the function exists from
 * that migration on, e.g. before a trigger that calls it is created) and drops it in its `down`.
 * A change of arguments or return type needs a migration that drops the old function first
 * (CREATE OR REPLACE cannot change them).
 */

const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'test', 'coverage']);

// "SQL" in ASCII as the first key, apart from the ledger's order locks (ledger_lock_order.sql).
const INSTALL_LOCK = [5460300, 0] as const;

/**
 * Where the `.sql` folders are: the folder above this one — the project root under ts/jest, or
 * dist/ once the build has copied them there (scripts/copy-sql.js) — else the project root
 * above dist/.
 */
export function sqlRoot(): string {
  const candidates = [path.resolve(__dirname, '..'), path.resolve(__dirname, '..', '..')];
  const found = candidates.find((dir) => sqlFolders(dir).length > 0);
  if (!found) throw new Error(`No <folder>/sql/*.sql found under ${candidates.join(' or ')}`);
  return found;
}

function sqlFolders(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !SKIPPED_FOLDERS.has(e.name))
    .map((e) => path.join(e.name, 'sql'))
    .filter((dir) => existsSync(path.join(root, dir)))
    .sort();
}

/** Every function file, relative to the root with '/' separators, in install order. */
export function sqlFunctionFiles(root = sqlRoot()): string[] {
  return sqlFolders(root).flatMap((dir) =>
    readdirSync(path.join(root, dir))
      .filter((name) => name.endsWith('.sql'))
      .sort()
      .map((name) => `${dir.split(path.sep).join('/')}/${name}`),
  );
}

/**
 * knex turns every `?` into a bind placeholder ($1, …) even without bindings; `\?` stays a
 * literal `?`. A backslash just before a `?` could not survive that, so such a file is refused.
 */
function knexSafe(file: string, sql: string): string {
  if (/\\\?/.test(sql)) throw new Error(`${file}: a backslash before "?" cannot be passed through knex.raw`);
  return sql.replace(/\?/g, '\\?');
}

/** Runs function files (paths relative to the root, e.g. 'ledger/sql/ledger_apply.sql'), in order. */
export async function installSqlFiles(knex: Knex, files: readonly string[], root = sqlRoot()): Promise<void> {
  for (const file of files) await knex.raw(knexSafe(file, readFileSync(path.join(root, file), 'utf8')));
}

/** Installs every function file; returns the files, in the order they ran. */
export async function installSqlFunctions(knex: Knex): Promise<string[]> {
  const root = sqlRoot();
  const files = sqlFunctionFiles(root);
  await knex.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(?, ?)', [...INSTALL_LOCK]);
    await installSqlFiles(trx, files, root);
  });
  return files;
}
