/**
 * The workflow determinism rule of eslint.config.mjs holds at every depth of workflows/: a
 * fixture importing knex, and a ledger module by value, is linted with the repository's own
 * config as if it were a file of each folder under workflows/ (order/, order/fulfillment/,
 * order/handlers/, return/, …), and must be refused there, while a type import of the same
 * module and a value import from domain/ pass. ESLint runs in a child process: it loads the
 * config as an ES module, which jest's module sandbox cannot.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '..');

/** Every folder of workflows/ with a real .ts file in it (the type-aware parser needs a file of the project). */
function workflowFolders(dir = 'workflows'): { dir: string; file: string }[] {
  const entries = readdirSync(path.join(ROOT, dir), { withFileTypes: true });
  const file = entries.find((e) => e.isFile() && e.name.endsWith('.ts'));
  const here = file ? [{ dir, file: `${dir}/${file.name}` }] : [];
  return [...here, ...entries.filter((e) => e.isDirectory()).flatMap((e) => workflowFolders(`${dir}/${e.name}`))];
}

function fixture(dir: string): string {
  const up = '../'.repeat(dir.split('/').length);
  return [
    "import knex from 'knex';",
    `import { createLedger } from '${up}ledger/ledger';`,
    `import type { Ledger } from '${up}ledger/types';`,
    `import { isTerminal } from '${up}domain/order-rules';`,
    'export const used = [knex, createLedger, isTerminal];',
    'export type Used = Ledger;',
    '',
  ].join('\n');
}

const LINT = `
const { ESLint } = require('eslint');
(async () => {
  const cases = JSON.parse(process.argv[1]);
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const c of cases) {
    const [result] = await eslint.lintText(c.code, { filePath: c.file });
    out.push({ file: c.file, messages: result.messages.map((m) => ({ line: m.line, ruleId: m.ruleId, message: m.message })) });
  }
  process.stdout.write(JSON.stringify(out));
})().catch((err) => { console.error(err); process.exit(1); });
`;

type Linted = { file: string; messages: { line: number; ruleId: string | null; message: string }[] };

describe('eslint: workflow code stays deterministic at every depth of workflows/', () => {
  const folders = workflowFolders();
  let linted: Linted[];

  beforeAll(async () => {
    const cases = folders.map((f) => ({ file: f.file, code: fixture(f.dir) }));
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', LINT, JSON.stringify(cases)], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    linted = JSON.parse(stdout) as Linted[];
  }, 180_000);

  it('covers nested folders', () => {
    const dirs = folders.map((f) => f.dir);
    expect(dirs).toEqual(expect.arrayContaining(['workflows', 'workflows/order', 'workflows/order/fulfillment', 'workflows/order/handlers', 'workflows/return']));
  });

  it('refuses knex and a value import of a ledger module, allows `import type` and domain/, in every folder', () => {
    for (const { file, messages } of linted) {
      const refused = messages.filter((m) => m.ruleId === 'no-restricted-imports');
      expect({ file, refused: refused.map((m) => m.line) }).toEqual({ file, refused: [1, 2] });
      expect(refused[0].message).toMatch(/deterministic/);
      expect(refused[1].message).toMatch(/import type/);
      // Nothing else trips on the fixture (a parse error would hide the rule).
      expect(messages.filter((m) => m.ruleId !== 'no-restricted-imports')).toEqual([]);
    }
    expect(linted.map((l) => l.file)).toEqual(folders.map((f) => f.file));
  });
});
