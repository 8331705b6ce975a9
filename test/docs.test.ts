import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES } from '../config/config';

const root = path.resolve(__dirname, '..');
const pages = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (page: string) => readFileSync(path.join(root, page), 'utf8');

/** The variables a page's tables name in their first column (`| \`A\`, \`B\` | …`). */
function tableVariables(page: string): string[] {
  return read(page)
    .split('\n')
    .filter((line) => /^\| `[A-Z][A-Z0-9_]*`/.test(line))
    .flatMap((line) => [...line.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]));
}

describe('the documentation', () => {
  it('lists every variable the configuration reads in a configuration table, and only those in docs/configuration.md', () => {
    const documented = new Set(pages.flatMap(tableVariables));
    expect(CONFIG_VARIABLES.filter((v) => !documented.has(v))).toEqual([]);
    expect(tableVariables('docs/configuration.md').filter((v) => !CONFIG_VARIABLES.includes(v))).toEqual([]);
  });

  it('links only to files that exist', () => {
    const broken = pages.flatMap((page) =>
      [...read(page).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
        .map((m) => m[1])
        .filter((target) => !/^[a-z]+:/.test(target))
        .filter((target) => !existsSync(path.resolve(root, path.dirname(page), target)))
        .map((target) => `${page} → ${target}`),
    );
    expect(broken).toEqual([]);
  });
});
