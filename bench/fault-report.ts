/** The fault runs' summary table (Markdown, as pasted into BENCHMARKS.md). */
import { fmt } from './common';
import type { RunResult } from './fault-checks';

export function formatTable(results: RunResult[]): string {
  const statusCell = (r: RunResult) =>
    Object.entries(r.byStatus)
      .sort((a, b) => b[1] - a[1])
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
  return [
    '| # | run | accepted/posted | workflows | lost | dup | FAILED | final statuses | open at end | oversell rows | shipped+held>received | over-shipped orders | held for closed | reconciliation | s | verdict |',
    '|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---:|---|',
    ...results.map(
      (r, i) =>
        `| ${r.id ?? i + 1} | ${r.name} | ${r.accepted}/${r.posted} | ${r.workflows} | ${r.lost} | ${r.duplicated} | ${r.failed} | ${statusCell(r)} | ${r.open} | ${r.oversellRows} | ${r.overReceived} | ${r.overShippedOrders} | ${r.heldForClosed} | ${r.reconcile} | ${fmt(r.seconds, 0)} | ${r.problems.length === 0 ? 'ok' : `**${r.problems.length} problem(s)**`} |`,
    ),
  ].join('\n');
}
