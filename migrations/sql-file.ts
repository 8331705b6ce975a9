import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The text of a .sql file of the repository (e.g. `ledger/sql/x.sql`), from the sources under
 * ts-node/jest or from dist/ (compiled migrations live one folder deeper than the sources).
 */
export function readSql(relative: string): string {
  const candidates = [join(__dirname, '..', relative), join(__dirname, '..', '..', relative)];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`SQL file ${relative} not found (looked in ${candidates.join(', ')})`);
  return readFileSync(found, 'utf8');
}
