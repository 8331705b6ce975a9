/** The e2e bench's table (Markdown, as in BENCHMARKS.md). */
import { fmt } from './common';
import type { E2eReport, E2eRun } from './e2e-types';
import { HAPPY_PATH_ACTIVITIES } from './e2e-runs';
import { formatWebhooksE2e } from './e2e-webhooks';

export function formatE2e(r: E2eReport): string {
  const row = (x: E2eRun, label: string) =>
    `| ${label} | ${x.completed}/${x.n} | ${fmt(x.seconds, 2)} | ${fmt(x.perSecond)} | ${fmt(x.latencyMs.p50, 0)} | ${fmt(x.latencyMs.p95, 0)} | ${fmt(x.latencyMs.p99, 0)} | ${fmt(x.historyEvents.mean)} | ${fmt(x.cpuMsPerWorkflow.bench)} | ${fmt(x.cpuMsPerWorkflow.server)} | ${fmt(x.cpuMsPerWorkflow.postgres)} | ${fmt(x.actions.mean, 1)} | ${x.wrongEnd} |`;
  return [
    '| run | done | s | completed/s | p50 ms | p95 ms | p99 ms | history events | CPU ms/wf bench+worker | CPU ms/wf dev server | CPU ms/wf Postgres | billable actions/wf | wrong end |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    row(r.order, `order (9 activities, 3 of them local; simulated, delay 0; best of ${r.rounds.order.length})`),
    row(r.noop, `baseline: ${HAPPY_PATH_ACTIVITIES} no-op activities (best of ${r.rounds.noop.length})`),
    row(r.sameShape, `same shape: 6 regular + 3 local no-op activities (best of ${r.rounds.sameShape.length})`),
    ...(r.withoutRecords ? [row(r.withoutRecords, `order without record writes (best of ${r.rounds.withoutRecords.length})`)] : []),
    ...(r.webhooks
      ? [
          row(r.webhooks.none, `order + webhook loops, no subscription (best of ${r.webhooks.rounds.none.length})`),
          row(r.webhooks.dead, `order + webhook loops, one dead subscriber to every type (best of ${r.webhooks.rounds.dead.length})`),
        ]
      : []),
    '',
    `rounds (completed/s, B O S alternating): baseline ${r.rounds.noop.map((x) => fmt(x)).join(', ')} · order ${r.rounds.order.map((x) => fmt(x)).join(', ')} · same shape ${r.rounds.sameShape.map((x) => fmt(x)).join(', ')}`,
    '',
    `billable Temporal Cloud actions per workflow (counted from histories with the documented mapping, bench/billable-actions.ts): order ${fmt(r.order.actions.mean, 1)} ${JSON.stringify(r.order.actions.byKind)} · baseline ${fmt(r.noop.actions.mean, 1)} — goal: the order ≤ the baseline`,
    '',
    `CPU per workflow, ours (bench+worker + Postgres backends) vs the baseline's bench+worker: order ${fmt(r.order.cpuMsPerWorkflow.bench + r.order.cpuMsPerWorkflow.postgres)} ms vs ${fmt(r.noop.cpuMsPerWorkflow.bench)} ms = ${fmt((r.order.cpuMsPerWorkflow.bench + r.order.cpuMsPerWorkflow.postgres) / r.noop.cpuMsPerWorkflow.bench, 2)}× (goal ≤ 1.5×)`,
    '',
    `order / same-shape baseline: ${fmt(r.sameShapeRatio, 2)}× (the order's own cost beyond Temporal's work for that shape)`,
    '',
    `throughput ratio order/baseline: **${fmt(r.ratio, 2)}×** (goal ≥ 0.8×) — ${r.ratio >= 0.8 ? 'met' : 'NOT met'}; ledger reconcile: ${r.reconcile.ok ? 'ok' : `${r.reconcile.problems} problem(s)`}`,
    ...(r.webhooks ? ['', formatWebhooksE2e(r.webhooks)] : []),
  ].join('\n');
}
