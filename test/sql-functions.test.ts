import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createKnex, dropDatabase, prepareDatabase } from '../platform/database';
import { sqlFunctionFiles, sqlRoot } from '../migrations/sql-functions';
import { testKnex } from './support/db';

const root = path.resolve(__dirname, '..');
// Built from pieces so this file's own text is not a definition the scan below would find.
const DEFINITION = new RegExp('CREATE' + '\\s+(?:OR\\s+REPLACE\\s+)?FUNCTION\\s+([\\w.]+)\\s*\\(', 'gi');

interface SqlFunction {
  file: string;
  name: string;
  body: string;
}

function parse(file: string): SqlFunction {
  const text = readFileSync(path.join(root, file), 'utf8');
  const names = [...text.matchAll(DEFINITION)].map((m) => m[1]);
  expect({ file, names }).toEqual({ file, names: [path.basename(file, '.sql')] });
  expect(text).toMatch(/CREATE\s+OR\s+REPLACE\s+FUNCTION/i);
  const quoted = /\bAS\s+(\$\w*\$)([^]*?)\1/i.exec(text);
  if (!quoted) throw new Error(`${file}: no dollar-quoted body`);
  // Nothing but comments around the one statement: the file runs again at every start, so a
  // CREATE TRIGGER or a data change in it would fail or repeat.
  const comments = (s: string) => s.replace(/\/\*[^]*?\*\//g, '').replace(/--[^\n]*/g, '').trim();
  expect({ file, before: comments(text.slice(0, text.search(DEFINITION))), after: comments(text.slice(quoted.index + quoted[0].length)) }).toEqual({
    file,
    before: '',
    after: ';',
  });
  return { file, name: names[0], body: quoted[2] };
}

/** Every code file of the repository (what a reader or a merge would see), relative to the root. */
function codeFiles(dir = ''): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) return e.name.startsWith('.') || ['node_modules', 'dist', 'coverage'].includes(e.name) ? [] : codeFiles(rel);
    return /\.(ts|tsx|js|mjs|cjs|sql)$/.test(e.name) ? [rel] : [];
  });
}

async function installedBodies(databaseUrl: string | undefined, names: string[]): Promise<Map<string, string[]>> {
  const knex = databaseUrl ? createKnex(databaseUrl, 1) : testKnex(1);
  try {
    const { rows } = await knex.raw<{ rows: { proname: string; prosrc: string }[] }>(
      `SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = current_schema() AND p.proname = ANY (:names)`,
      { names },
    );
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.proname, [...(out.get(r.proname) ?? []), r.prosrc]);
    return out;
  } finally {
    await knex.destroy();
  }
}

describe('database functions as .sql files (migrations/sql-functions.ts)', () => {
  const files = sqlFunctionFiles();
  const functions = files.map(parse);

  it('are found from the project root, one function per file, named after it', () => {
    expect(sqlRoot()).toBe(root);
    expect(files).toEqual(expect.arrayContaining(['ledger/sql/ledger_apply.sql', 'orders/sql/order_record_save.sql', 'webhooks/sql/webhook_emit.sql']));
    expect(new Set(functions.map((f) => f.name)).size).toBe(functions.length);
  });

  it('is what the migrated database runs: each installed body equals its file', async () => {
    const installed = await installedBodies(undefined, functions.map((f) => f.name));
    for (const f of functions) expect({ file: f.file, bodies: installed.get(f.name) }).toEqual({ file: f.file, bodies: [f.body] });
  });

  it('defines every function in its .sql file only, and no body appears in a second file', () => {
    const sources = codeFiles();
    const definedAt = sources.flatMap((file) => {
      const text = readFileSync(path.join(root, file), 'utf8');
      return [...text.matchAll(DEFINITION)].map((m) => `${m[1]} in ${file}`);
    });
    expect(definedAt.sort()).toEqual(functions.map((f) => `${f.name} in ${f.file}`).sort());

    const copies = functions.flatMap((f) =>
      sources.filter((file) => file !== f.file && readFileSync(path.join(root, file), 'utf8').includes(f.body.trim())).map((file) => `${f.name} body in ${file}`),
    );
    expect(copies).toEqual([]);
  });

  describe('on an existing database', () => {
    const url = new URL(process.env.DATABASE_URL ?? '');
    url.pathname = `${url.pathname}_fn${randomBytes(3).toString('hex')}`;
    const databaseUrl = url.toString();
    afterAll(() => dropDatabase(databaseUrl));

    it('replaces a body an older release installed at the next migrate, applying no migration', async () => {
      await prepareDatabase(databaseUrl);
      // What an older release might have installed: the same functions with other bodies.
      const older = functions.filter((f) => ['webhook_emit', 'ledger_lock_order'].includes(f.name));
      const knex = createKnex(databaseUrl, 1);
      try {
        for (const f of older) {
          const text = readFileSync(path.join(root, f.file), 'utf8');
          await knex.raw(text.replace(f.body, `\n-- as an older release wrote it${f.body}`));
        }
      } finally {
        await knex.destroy();
      }
      expect((await installedBodies(databaseUrl, ['webhook_emit'])).get('webhook_emit')?.[0]).toMatch(/^\n-- as an older release/);

      const names = functions.map((f) => f.name);
      expect(await prepareDatabase(databaseUrl)).toEqual([]);
      const installed = await installedBodies(databaseUrl, names);
      for (const f of functions) expect({ file: f.file, bodies: installed.get(f.name) }).toEqual({ file: f.file, bodies: [f.body] });
    });
  });
});
