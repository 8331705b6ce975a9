/**
 * The layout's arrows (docs/design.md §3), checked on the real import graph: every relative
 * import (type-only ones too) of every TypeScript file in the source, the tests and the
 * benchmarks, resolved by the TypeScript compiler. Fails on an import cycle, on a lower
 * floor importing a higher one, and on a file outside workflows/ reaching into a workflow's
 * folder for anything but what a client needs (its messages and start options) or the
 * worker's bundle entry.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const SKIP = new Set(['node_modules', 'dist', 'console', 'docs', 'deploy', 'scripts', 'fixtures']);

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) return e.name.startsWith('.') || SKIP.has(e.name) ? [] : sourceFiles(rel);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') && dir !== '' ? [rel] : [];
  });
}

/** file → the project files it imports (relative specifiers only), as paths from the root. */
function importGraph(): Map<string, string[]> {
  const options: ts.CompilerOptions = { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, resolveJsonModule: true };
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles('')) {
    const abs = path.join(ROOT, file);
    const info = ts.preProcessFile(readFileSync(abs, 'utf8'), true, true);
    const targets: string[] = [];
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const resolved = ts.resolveModuleName(fileName, abs, options, ts.sys).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport) throw new Error(`${file}: cannot resolve ${fileName}`);
      const target = path.relative(ROOT, resolved.resolvedFileName).split(path.sep).join('/');
      if (target.endsWith('.ts')) targets.push(target);
    }
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

type Edge = { from: string; to: string };
const top = (file: string) => file.split('/')[0];
const show = (edges: Edge[]) => edges.map((e) => `${e.from} → ${e.to}`);

/** What a file outside workflows/ may import from it: the bundle entry, the shared search attribute keys, and per workflow what a client needs. */
const WORKFLOW_PUBLIC = /^workflows\/(index\.ts|search-attributes\.ts|[^/]+\/(messages|start-options)\.ts)$/;
const LOW = new Set(['ledger', 'domain', 'platform']);
const HIGH = new Set(['api', 'workflows', 'activities', 'worker']);
const ENTRIES = new Set(['api/main.ts', 'worker/main.ts', 'cli/start.ts', 'cli/migrate.ts']);

const rules = {
  domainOutward: (edges: Edge[]) => edges.filter((e) => top(e.from) === 'domain' && top(e.to) !== 'domain'),
  lowImportsHigh: (edges: Edge[]) => edges.filter((e) => LOW.has(top(e.from)) && HIGH.has(top(e.to))),
  workflowInternals: (edges: Edge[]) => edges.filter((e) => top(e.from) !== 'workflows' && top(e.to) === 'workflows' && !WORKFLOW_PUBLIC.test(e.to)),
  entryImported: (edges: Edge[]) => edges.filter((e) => ENTRIES.has(e.to)),
};

describe('architecture: the import graph (docs/design.md §3)', () => {
  const graph = importGraph();
  const edges: Edge[] = [...graph].flatMap(([from, tos]) => tos.map((to) => ({ from, to })));

  it('sees the whole tree', () => {
    expect(graph.size).toBeGreaterThan(300);
    expect(graph.get('workflows/order/workflow.ts')).toContain('workflows/order/handlers/install.ts');
    expect(graph.get('api/app.ts')).toContain('api/order-gateway.ts');
  });

  it('has no import cycle in the source, the tests or the benchmarks', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('detects a cycle when there is one', () => {
    const sample = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cycles(sample)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('keeps domain/ on the ground floor: it imports nothing but itself, not even a package', () => {
    const domainFiles = [...graph.keys()].filter((f) => top(f) === 'domain');
    expect(domainFiles.length).toBeGreaterThan(3);
    expect(show(rules.domainOutward(edges))).toEqual([]);
    const packages = domainFiles.flatMap((f) =>
      ts
        .preProcessFile(readFileSync(path.join(ROOT, f), 'utf8'), true, true)
        .importedFiles.filter((i) => !i.fileName.startsWith('.'))
        .map((i) => `${f} → ${i.fileName}`),
    );
    expect(packages).toEqual([]);
  });

  it('never lets ledger/, domain/ or platform/ import api/, workflows/, activities/ or worker/', () => {
    expect(show(rules.lowImportsHigh(edges))).toEqual([]);
  });

  it("never lets a file outside workflows/ reach into a workflow's internals", () => {
    expect(show(rules.workflowInternals(edges))).toEqual([]);
  });

  it('keeps workflow code on workflows/ and domain/ (other folders by `import type` only, which eslint enforces)', () => {
    const allowed = new Set(['workflows', 'domain', 'activities', 'ledger', 'config']);
    expect(show(edges.filter((e) => top(e.from) === 'workflows' && !allowed.has(top(e.to))))).toEqual([]);
  });

  it('has no entry point that anything imports', () => {
    expect(show(rules.entryImported(edges))).toEqual([]);
  });

  it('flags each kind of wrong arrow (the rules above can fail)', () => {
    const edge = (arrow: string): Edge => {
      const [from, to] = arrow.split(' → ');
      return { from, to };
    };
    const wrong = [
      'domain/types.ts → ledger/types.ts',
      'platform/logger.ts → api/errors.ts',
      'ledger/reserve.ts → workflows/order/messages.ts',
      'api/order-store.ts → workflows/order/state.ts',
      'test/x.test.ts → workflows/order/fulfillment/branch.ts',
      'bench/x.ts → cli/start.ts',
    ].map(edge);
    const fine = [
      'api/order-gateway.ts → workflows/order/messages.ts',
      'api/return-service.ts → workflows/return/start-options.ts',
      'worker/create-worker.ts → workflows/index.ts',
      'ledger/types.ts → domain/types.ts',
      'platform/database.ts → migrations/index.ts',
    ].map(edge);
    expect(show(rules.domainOutward(wrong))).toEqual(['domain/types.ts → ledger/types.ts']);
    expect(show(rules.lowImportsHigh(wrong))).toEqual(['platform/logger.ts → api/errors.ts', 'ledger/reserve.ts → workflows/order/messages.ts']);
    expect(show(rules.workflowInternals(wrong))).toEqual(['api/order-store.ts → workflows/order/state.ts', 'test/x.test.ts → workflows/order/fulfillment/branch.ts']);
    expect(show(rules.entryImported(wrong))).toEqual(['bench/x.ts → cli/start.ts']);
    for (const rule of Object.values(rules)) expect(rule(fine)).toEqual([]);
  });
});
