/**
 * Fault run 10's checks that each background job did its work once per change although two
 * worker processes (and two APIs) ran it (docs/scale.md, "Replicas"):
 *   - reaper and maintenance: one workflow id each, one execution running (fixed id, USE_EXISTING);
 *   - webhook events: no fact announced twice under two ids (the receiver's kept events, same
 *     type and data) — the status changes against the record are checkNoEventLost's;
 *   - order.promise_changed: per order one chain (ids promise:<order>:1..n, each event moving
 *     from the date the one before it set); the same data twice is no defect here: a promise may
 *     really go D → none → D while the supply is handed to the orders ahead of it. The stale
 *     pass that announced one change three times is test/promise-replicas.test.ts's;
 *   - inventory.available_changed: per SKU the sequences are 1..n, each once, and no event
 *     repeats the snapshot of the one before it (a watcher pass that found nothing new);
 *   - stock wake-ups: no order got more stockArrived signals than there were changes that
 *     freed its SKU (each change wakes once, from the process that made it).
 */
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { sameSnapshot } from '../webhooks/availability-watcher';
import { orderWorkflowId } from '../domain/types';
import { mapLimit } from './common';
import type { FlappingReceiver } from './fault-receiver';

/** Keys sorted at every depth: the same data as two JSON texts compares equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Each background workflow of the task queue: one id, one execution running. Returns a note. */
export async function checkSingleBackgroundWorkflows(client: Client, problems: string[]): Promise<string> {
  const out: string[] = [];
  for (const type of ['reaperWorkflow', 'maintenanceWorkflow']) {
    const res = await client.workflowService.listWorkflowExecutions({ namespace: 'default', query: `WorkflowType = '${type}'`, pageSize: 1000 });
    const ids = new Set(res.executions.map((e) => e.execution?.workflowId ?? ''));
    const running = res.executions.filter((e) => e.status === 1).length;
    if (ids.size !== 1 || running !== 1) problems.push(`${type}: ${ids.size} workflow id(s) [${[...ids].join(', ')}], ${running} running (want 1 and 1)`);
    out.push(`${type} ${ids.size} id, ${running} running, ${res.executions.length} execution(s)`);
  }
  return out.join('; ');
}

/** Checked by their own rules below, not by "same data": both may repeat figures for a real change. */
const OWN_RULES = new Set(['inventory.available_changed', 'order.promise_changed']);

/** The same fact (type and data) kept under two webhook-ids. */
export function checkNoFactTwice(rx: FlappingReceiver, problems: string[]): void {
  const byFact = new Map<string, string[]>();
  for (const [id, e] of rx.kept) {
    if (OWN_RULES.has(e.type)) continue;
    const key = `${e.type} ${canonical(e.data)}`;
    byFact.set(key, [...(byFact.get(key) ?? []), id]);
  }
  const twice = [...byFact].filter(([, ids]) => ids.length > 1);
  if (twice.length) problems.push(`${twice.length} event(s) delivered under more than one webhook-id: ${twice.slice(0, 3).map(([k, ids]) => `${k.slice(0, 120)} as ${ids.join(' + ')}`).join('; ')}`);
}

/** Per order: promise:<order>:1..n, each once, each from the date the one before it set. Returns a note. */
export async function checkPromiseChains(knex: Knex, problems: string[]): Promise<string> {
  type Change = { orderId: string; promisedAt: string | null; previousPromisedAt: string | null };
  const rows = await knex('webhook_events').where({ type: 'order.promise_changed' }).select<{ id: string; data: Change }[]>('id', 'data');
  const byOrder = new Map<string, Array<Change & { n: number }>>();
  for (const r of rows) byOrder.set(r.data.orderId, [...(byOrder.get(r.data.orderId) ?? []), { ...r.data, n: Number(r.id.split(':').pop()) }]);
  const broken: string[] = [];
  for (const [orderId, chain] of byOrder) {
    chain.sort((a, b) => a.n - b.n);
    const ok = chain.every((c, i) => c.n === i + 1 && c.previousPromisedAt === (i === 0 ? null : chain[i - 1].promisedAt) && c.promisedAt !== c.previousPromisedAt);
    if (!ok) broken.push(`${orderId}: ${chain.map((c) => `${c.n} ${c.previousPromisedAt ?? '–'}→${c.promisedAt ?? '–'}`).join(', ')}`);
  }
  if (broken.length) problems.push(`${broken.length} order(s) whose order.promise_changed events are not one chain: ${broken.slice(0, 3).join('; ')}`);
  return `${rows.length} order.promise_changed events for ${byOrder.size} orders, at most ${Math.max(0, ...[...byOrder.values()].map((c) => c.length))} for one`;
}

type Snapshot = { available: number; byChannel: Record<string, number> };

/** Per SKU: sequences 1..n each once, and each event a change from the one before. Returns a note. */
export async function checkAvailabilityOnce(knex: Knex, problems: string[]): Promise<string> {
  const rows = await knex('webhook_events').where({ type: 'inventory.available_changed' }).select<{ data: Snapshot & { sku: string; sequence: number } }[]>('data');
  const bySku = new Map<string, Array<Snapshot & { sequence: number }>>();
  for (const { data } of rows) bySku.set(data.sku, [...(bySku.get(data.sku) ?? []), data]);
  for (const [sku, events] of bySku) {
    events.sort((a, b) => a.sequence - b.sequence);
    const seqs = events.map((e) => e.sequence);
    if (seqs.some((s, i) => s !== i + 1)) problems.push(`inventory.available_changed ${sku}: sequences ${seqs.join(',')} (want 1..${seqs.length}, each once)`);
    const repeats = events.filter((e, i) => i > 0 && sameSnapshot(events[i - 1], e)).length;
    if (repeats) problems.push(`inventory.available_changed ${sku}: ${repeats} event(s) repeat the figures of the one before (no change announced)`);
  }
  return `${rows.length} inventory.available_changed events over ${bySku.size} SKUs`;
}

/**
 * stockArrived signals per order (from its history) against the changes that freed `sku`
 * (`wakes`: the run's receipts of it). Returns a note.
 */
export async function checkWakeupsOnce(client: Client, orderIds: string[], sku: string, wakes: number, problems: string[]): Promise<string> {
  const counts = await mapLimit(orderIds, 8, async (orderId) => {
    let n = 0;
    const history = await client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
    for (const e of history.events ?? []) {
      const s = e.workflowExecutionSignaledEventAttributes;
      if (s?.signalName === 'stockArrived') n++;
    }
    return [orderId, n] as const;
  });
  const over = counts.filter(([, n]) => n > wakes);
  if (over.length) problems.push(`${over.length} order(s) got more stockArrived signals than the ${wakes} change(s) that freed ${sku}: ${over.slice(0, 3).map(([id, n]) => `${id} ${n}`).join(', ')}`);
  const total = counts.reduce((t, [, n]) => t + n, 0);
  return `${orderIds.length} orders backordered on ${sku}: ${total} stockArrived signals, at most ${Math.max(0, ...counts.map(([, n]) => n))} for one order (${wakes} receipts of ${sku})`;
}
