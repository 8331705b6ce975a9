/**
 * `npm run faults`: ten fault-injection runs against the product as separate processes
 * (`node dist/worker/main.js`, `node dist/api/main.js`), each on its own headless dev
 * server (SQLite file, fixed port so it can be restarted) and its own scratch database.
 * Every run drives orders through the HTTP API, injects its fault mid-run, waits (bounded)
 * until every order is terminal or idle in a waiting status, then checks:
 *   - no order lost or duplicated: every accepted orderId has exactly one workflow, no
 *     workflow without a posted orderId;
 *   - 0 oversell: every stock_levels row 0 ≤ reserved ≤ on_hand, and per warehouse/SKU
 *     shipped + held ≤ received; no order shipped more than it ordered;
 *   - 0 held units for closed orders;
 *   - every balance equals its movements (GET /inventory/reconciliation ok);
 *   - no workflow FAILED / TERMINATED / TIMED_OUT;
 *   - plus what the run itself expects (e.g. every accepted order delivered).
 * A run that finds a problem makes the process exit 1.
 *
 * Run 7 puts the warehouses behind HTTP (docs/design.md §10): a loopback warehouse service answers
 * 500 to a third of the requests and resets every connection for 10 s mid-run, and reports
 * picked/packed back through the API; no fulfillment may be requested twice.
 *
 * Run 8 subscribes a loopback receiver to every webhook event type and makes it flap
 * (refused / 500 / slow / ok) while the orders run, with a short retry backoff
 * (WEBHOOK_RETRY_BASE, WEBHOOK_RETRY_MAX; the 24 h horizon unchanged); then, receiver
 * steady, no event may be lost (bench/fault-webhooks.ts).
 *
 * Run 9 (docs/design.md §15) runs purchase-order receipts and transfers beside the orders and
 * kills the worker mid-run; no document may be lost or run twice, and stock is conserved per
 * SKU exactly (bench/fault-runs-stock-motion.ts).
 *
 * Run 10 (issue #26) runs the product as replicas: 2 worker and 2 API processes on the one dev
 * server and database, orders posted alternately to both APIs, a flapping webhook subscriber to
 * every event type, a fifth of the orders waiting for a SKU that arrives through a purchase order
 * and plain receipts; kill -9 one worker and one API mid-run, the client sending the same request
 * to the other API. On top of the common checks: every webhook event delivered (by webhook-id), and
 * every background job did its work once per change — one reaper and one maintenance workflow, no
 * fact announced under two ids, availability sequences 1..n per SKU with no repeat, no order woken
 * more often than its SKU was freed (bench/fault-runs-replicas.ts, fault-replicas.ts). It reports
 * orders delivered per second; FAULTS_REPLICAS_WORKERS=1 runs it with one worker to compare.
 *
 * Knobs: FAULTS_ONLY=1,4,5 · FAULTS_ORDERS (default 200) · FAULTS_REPLICAS_WORKERS (run 10, default 2) · BENCH_CHILD_LOG=1 (child output).
 *
 * Layout: fault-world.ts (the harness), fault-checks.ts (the common invariants),
 * fault-runs-processes.ts (1–3), fault-runs-traffic.ts (4–6), fault-runs-integrations.ts (7–8), fault-runs-stock-motion.ts (9),
 * fault-runs-replicas.ts (10),
 * fault-report.ts (the table); this file adds each run's expected end and runs them.
 */
import { Cleanup, envInt, fmt } from './common';
import { check, type RunResult } from './fault-checks';
import { formatTable } from './fault-report';
import { PROCESS_RUNS } from './fault-runs-processes';
import { TRAFFIC_RUNS } from './fault-runs-traffic';
import { INTEGRATION_RUNS } from './fault-runs-integrations';
import { STOCK_MOTION_RUNS } from './fault-runs-stock-motion';
import { REPLICA_RUNS } from './fault-runs-replicas';
import { log, World, type RunDef } from './fault-world';

const RUNS: RunDef[] = [...PROCESS_RUNS, ...TRAFFIC_RUNS, ...INTEGRATION_RUNS, ...STOCK_MOTION_RUNS, ...REPLICA_RUNS];

/** Why orders ended where the run did not expect: a few of them with the record's last error. */
async function explainStatuses(w: World, statuses: string[]): Promise<string[]> {
  const rows = (await w.knex('order_records').whereIn('status', statuses).select('order_id', 'status', w.knex.raw(`view->'lastError' AS last_error`)).limit(5)) as { order_id: string; status: string; last_error: unknown }[];
  return rows.map((r) => `${r.order_id} ended ${r.status}: ${JSON.stringify(r.last_error ?? null)}`);
}

// ── main ─────────────────────────────────────────────────────────────────────────────

async function runOne(def: RunDef, n: number): Promise<RunResult> {
  const cleanup = new Cleanup();
  const started = Date.now();
  const w = new World(def.name, cleanup, def.options);
  try {
    log(`run ${def.id} ${def.name}: ${def.fault}`);
    await w.start();
    await def.run(w, n);
    const settled = await w.settle(def.settleMs, def.allowIdle ?? false);
    log(`${def.name}: settled in ${fmt(settled.seconds)} s (${settled.open} open, ${settled.idle} idle)`);
    // Expected ends: plain runs deliver everything accepted; the cancel storm cancels or delivers.
    const result = await check(w, def.fault, started, settled);
    if ([1, 2, 3, 5, 7, 8, 9, 10].includes(def.id)) {
      const delivered = result.byStatus.delivered ?? 0;
      if (delivered !== result.accepted) w.problems.push(`${result.accepted - delivered} accepted order(s) not delivered: ${JSON.stringify(result.byStatus)}`);
    }
    if (def.id === 4) {
      const other = Object.keys(result.byStatus).filter((s) => s !== 'delivered' && s !== 'cancelled');
      if (other.length) w.problems.push(`cancel storm ended with statuses other than delivered/cancelled: ${other.join(', ')}`);
    }
    if (def.id === 6) {
      const other = Object.keys(result.byStatus).filter((s) => !['delivered', 'timed_out'].includes(s));
      if (other.length) w.problems.push(`hot SKUs ended with statuses other than delivered/timed_out: ${other.join(', ')}`);
    }
    const unexpected = Object.keys(result.byStatus).filter((st) => st !== 'delivered' && !(def.id === 4 && st === 'cancelled') && !(def.id === 6 && st === 'timed_out'));
    if (w.problems.length > 0 && unexpected.length > 0) result.notes.push(...(await explainStatuses(w, unexpected)));
    result.problems = [...w.problems];
    result.id = def.id;
    if (result.problems.length) {
      log(`${def.name}: worker log tail:\n  ${w.worker.logs.slice(-15).join('\n  ')}`);
      log(`${def.name}: api log tail:\n  ${w.api.logs.slice(-10).join('\n  ')}`);
    }
    return result;
  } catch (err) {
    w.problems.push(`run aborted: ${(err as Error).stack ?? String(err)}`);
    return {
      id: def.id,
      name: def.name,
      fault: def.fault,
      posted: w.posted.size,
      accepted: w.accepted.size,
      workflows: NaN,
      lost: NaN,
      duplicated: NaN,
      phantom: NaN,
      failed: NaN,
      byStatus: {},
      open: NaN,
      oversellRows: NaN,
      overReceived: NaN,
      overShippedOrders: NaN,
      heldForClosed: NaN,
      reconcile: 'n/a',
      seconds: (Date.now() - started) / 1000,
      problems: [...w.problems],
      notes: [...w.notes],
    };
  } finally {
    await cleanup.run();
  }
}

async function main(): Promise<number> {
  const only = new Set((process.env.FAULTS_ONLY ?? '1,2,3,4,5,6,7,8,9,10').split(',').map((s) => Number(s.trim())));
  const n = envInt('FAULTS_ORDERS', 200);
  const results: RunResult[] = [];
  const abort = new Cleanup();
  abort.installSignalHandlers();
  for (const def of RUNS.filter((d) => only.has(d.id))) {
    const result = await runOne(def, n);
    results.push(result);
    log(`${def.name}: ${result.problems.length === 0 ? 'ok' : `${result.problems.length} problem(s)`} in ${fmt(result.seconds, 0)} s`);
    for (const p of result.problems.slice(0, 20)) log(`  PROBLEM ${p}`);
    for (const note of result.notes) log(`  note: ${note}`);
  }
  console.log(`\n## Fault runs (${new Date().toISOString()}, ${n} orders per run)\n`);
  console.log(formatTable(results));
  const bad = results.filter((r) => r.problems.length > 0);
  console.log(bad.length === 0 ? '\nall runs ok' : `\n${bad.length} run(s) found problems: ${bad.map((r) => r.name).join(', ')}`);
  return bad.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
