/**
 * The invariants every fault run must keep, whatever its fault: no order lost, duplicated or
 * phantom; no oversell; no units held for closed orders; balances equal their movements; no
 * workflow FAILED / TERMINATED / TIMED_OUT. What a single run expects on top lives in faults.ts.
 */
import { decodePayload } from '../platform/payload';
import { TERMINAL_STATUSES } from '../domain/order-rules';
import { waitFor } from './common';
import { httpJson } from './http';
import type { ExecInfo, World } from './fault-world';

const TERMINAL = new Set<string>(TERMINAL_STATUSES);
const EXEC_STATUS: Record<number, string> = { 1: 'RUNNING', 2: 'COMPLETED', 3: 'FAILED', 4: 'CANCELED', 5: 'TERMINATED', 6: 'CONTINUED_AS_NEW', 7: 'TIMED_OUT' };

export interface RunResult {
  id?: number;
  name: string;
  fault: string;
  posted: number;
  accepted: number;
  workflows: number;
  lost: number;
  duplicated: number;
  phantom: number;
  failed: number;
  byStatus: Record<string, number>;
  open: number;
  oversellRows: number;
  overReceived: number;
  overShippedOrders: number;
  heldForClosed: number;
  reconcile: string;
  seconds: number;
  problems: string[];
  notes: string[];
}

export async function check(w: World, fault: string, started: number, settled: { open: number; idle: number }): Promise<RunResult> {
  const all = await w.listOrders();
  const runsById = new Map<string, ExecInfo[]>();
  for (const e of all) {
    const id = (e.execution?.workflowId ?? '').replace(/^order-/, '');
    runsById.set(id, [...(runsById.get(id) ?? []), e]);
  }
  const lostIds = [...w.accepted].filter((id) => !runsById.has(id));
  const dupIds = [...runsById.entries()].filter(([, runs]) => runs.length > 1).map(([id]) => id);
  const phantomIds = [...runsById.keys()].filter((id) => !w.posted.has(id));
  const failed = all.filter((e) => [3, 5, 7].includes(e.status ?? 0));
  const byStatus: Record<string, number> = {};
  const statusOf = new Map<string, string>();
  for (const e of all) {
    const s = String(decodePayload(e.searchAttributes?.indexedFields?.OrderStatus) ?? 'unknown');
    const key = e.status === 1 ? s : TERMINAL.has(s) ? s : `${s} (${EXEC_STATUS[e.status ?? 0]})`;
    byStatus[key] = (byStatus[key] ?? 0) + 1;
    statusOf.set((e.execution?.workflowId ?? '').replace(/^order-/, ''), s);
  }
  const closed = new Set(all.filter((e) => e.status !== 1).map((e) => (e.execution?.workflowId ?? '').replace(/^order-/, '')));

  const k = w.knex;
  const oversellRows = Number((await k('stock_levels').whereRaw('reserved < 0 OR reserved > on_hand').count<{ n: string }[]>({ n: '*' }))[0].n);
  const flows = (await k.raw(`
    SELECT l.warehouse_id, l.sku, l.reserved AS held,
      COALESCE((SELECT SUM(on_hand_delta) FROM stock_movements m WHERE m.warehouse_id = l.warehouse_id AND m.sku = l.sku AND m.kind IN ('receipt','adjustment','return','transfer_in')), 0) AS received,
      COALESCE((SELECT -SUM(on_hand_delta) FROM stock_movements m WHERE m.warehouse_id = l.warehouse_id AND m.sku = l.sku AND m.kind IN ('ship','transfer_out')), 0) AS shipped
    FROM stock_levels l`)) as { rows: { warehouse_id: string; sku: string; held: number; received: string; shipped: string }[] };
  const overReceived = flows.rows.filter((r) => Number(r.shipped) + Number(r.held) > Number(r.received));
  const held = (await k('reservations').where({ status: 'held' }).select('order_id').sum<{ order_id: string; q: string }[]>({ q: 'quantity' }).groupBy('order_id')) as {
    order_id: string;
    q: string;
  }[];
  const heldForClosed = held.filter((h) => closed.has(h.order_id)).reduce((t, h) => t + Number(h.q), 0);
  const shipped = (await k('reservations').where({ status: 'shipped' }).select('order_id', 'sku').sum<{ order_id: string; sku: string; q: string }[]>({ q: 'quantity' }).groupBy('order_id', 'sku')) as {
    order_id: string;
    sku: string;
    q: string;
  }[];
  const shippedByOrder = new Map<string, Map<string, number>>();
  for (const s of shipped) {
    const m = shippedByOrder.get(s.order_id) ?? new Map<string, number>();
    m.set(s.sku, Number(s.q));
    shippedByOrder.set(s.order_id, m);
  }
  let overShippedOrders = 0;
  for (const [orderId, body] of w.posted) {
    const ordered = new Map<string, number>();
    for (const l of body.lines) ordered.set(l.sku, (ordered.get(l.sku) ?? 0) + l.quantity);
    const got = shippedByOrder.get(orderId) ?? new Map<string, number>();
    const over = [...got].some(([sku, q]) => q > (ordered.get(sku) ?? 0));
    if (over) overShippedOrders++;
    if (statusOf.get(orderId) === 'delivered') {
      const short = [...ordered].some(([sku, q]) => (got.get(sku) ?? 0) !== q);
      if (short) w.problems.push(`order ${orderId} delivered but shipped units ≠ ordered (${JSON.stringify([...got])} vs ${JSON.stringify([...ordered])})`);
    }
  }

  let reconcile = 'n/a';
  const rec = await waitFor(
    'GET /inventory/reconciliation',
    async () => {
      const r = await httpJson<{ ok: boolean; problems: unknown[] }>(w.apiBase, 'GET', '/inventory/reconciliation', undefined, { timeoutMs: 60_000, headers: w.auth('admin') });
      return r.status === 200 ? r.body : undefined;
    },
    60_000,
    1_000,
  ).catch((err: unknown) => {
    w.problems.push(`reconciliation unavailable: ${(err as Error).message}`);
    return undefined;
  });
  if (rec) {
    reconcile = rec.ok ? 'ok' : `${rec.problems.length} problem(s)`;
    if (!rec.ok) w.problems.push(`reconciliation: ${JSON.stringify(rec.problems.slice(0, 5))}`);
  }

  if (lostIds.length) w.problems.push(`lost orders (accepted, no workflow): ${lostIds.slice(0, 5).join(', ')}`);
  if (dupIds.length) w.problems.push(`orders with more than one workflow: ${dupIds.slice(0, 5).join(', ')}`);
  if (phantomIds.length) w.problems.push(`workflows with no posted order: ${phantomIds.slice(0, 5).join(', ')}`);
  if (failed.length) w.problems.push(`${failed.length} workflow(s) FAILED/TERMINATED/TIMED_OUT: ${failed.slice(0, 3).map((f) => f.execution?.workflowId).join(', ')}`);
  if (oversellRows) w.problems.push(`${oversellRows} stock_levels row(s) out of range`);
  if (overReceived.length) w.problems.push(`shipped + held > received at ${overReceived.map((r) => `${r.warehouse_id}/${r.sku}`).join(', ')}`);
  if (overShippedOrders) w.problems.push(`${overShippedOrders} order(s) shipped more than ordered`);
  if (heldForClosed) w.problems.push(`${heldForClosed} unit(s) held for closed orders`);
  if (w.unanswered.size) w.notes.push(`${w.unanswered.size} order(s) never got 200/202 (client gave up)`);

  return {
    name: w.name,
    fault,
    posted: w.posted.size,
    accepted: w.accepted.size,
    workflows: all.length,
    lost: lostIds.length,
    duplicated: dupIds.length,
    phantom: phantomIds.length,
    failed: failed.length,
    byStatus,
    open: settled.open,
    oversellRows,
    overReceived: overReceived.length,
    overShippedOrders,
    heldForClosed,
    reconcile,
    seconds: (Date.now() - started) / 1000,
    problems: [...w.problems],
    notes: [...w.notes, ...[...w.codes].sort().map(([c, n]) => `${c}: ${n}`)],
  };
}
