/**
 * Fault run 8's checks on the subscriber's side (docs/design.md §11: delivered at least once, a
 * receiver deduplicates by webhook-id). Once the orders are terminal and the receiver is
 * steady, the subscription's outbox must drain (bounded wait), and then:
 *   - no delivery is `failed` or still `pending`;
 *   - every event the outbox holds for the subscription was kept by the receiver at least
 *     once (by webhook-id), and the receiver kept nothing the outbox does not hold;
 *   - every accepted order's status changes, read from its record (GET /orders/:id, its
 *     history), arrived as order.status_changed events — the same transitions, none missing.
 */
import type { Knex } from 'knex';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/event-types';
import { fmt, mapLimit, sleep } from './common';
import type { FlappingReceiver } from './fault-receiver';
import { httpJson, sendPolitely } from './http';

export interface WebhookCheck {
  knex: Knex;
  apiBase: string;
  /** The Authorization header of a key that may read orders. */
  apiHeaders: Record<string, string>;
  subscriptionId: string;
  receiver: FlappingReceiver;
  accepted: Iterable<string>;
  problems: string[];
  notes: string[];
}

/** Through the API, as an operator would: every event type, no wildcard. */
export async function subscribeAll(apiBase: string, url: string, headers: Record<string, string>): Promise<{ id: string; secret: string }> {
  const r = await sendPolitely<{ id?: string; secret?: string }>(apiBase, 'POST', '/webhooks', { url, events: WEBHOOK_EVENT_TYPES, description: 'fault run 8: flapping receiver' }, { headers });
  if (r.status !== 201 || !r.body?.id || !r.body.secret) throw new Error(`POST /webhooks: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
  return { id: r.body.id, secret: r.body.secret };
}

const pending = async (knex: Knex, subscriptionId: string): Promise<number> =>
  Number((await knex('webhook_deliveries').where({ subscription_id: subscriptionId, status: 'pending' }).count<{ n: string }[]>({ n: '*' }))[0].n);

/** Resolves with the seconds it took for the subscription to have no pending delivery, or records a problem after `timeoutMs`. */
export async function waitDrained(c: WebhookCheck, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const left = await pending(c.knex, c.subscriptionId).catch(() => NaN);
    if (left === 0) return (Date.now() - t0) / 1000;
    if (Date.now() - t0 > timeoutMs) {
      c.problems.push(`webhook outbox not drained ${timeoutMs / 1000} s after the receiver became steady: ${left} delivery(ies) pending`);
      return NaN;
    }
    await sleep(500);
  }
}

interface History {
  history?: { status: string }[];
}

export async function checkNoEventLost(c: WebhookCheck): Promise<void> {
  const rows = await c.knex('webhook_deliveries as d').join('webhook_events as e', 'e.id', 'd.event_id').where('d.subscription_id', c.subscriptionId).select<{ event_id: string; type: string; status: string; attempts: number }[]>('d.event_id', 'e.type', 'd.status', 'd.attempts');
  const failed = rows.filter((r) => r.status === 'failed');
  const stillPending = rows.filter((r) => r.status === 'pending');
  if (failed.length) c.problems.push(`${failed.length} webhook delivery(ies) failed (given up): ${failed.slice(0, 3).map((r) => `${r.type} ${r.event_id}`).join(', ')}`);
  if (stillPending.length) c.problems.push(`${stillPending.length} webhook delivery(ies) still pending at the check`);
  const missing = rows.filter((r) => !c.receiver.kept.has(r.event_id));
  if (missing.length) c.problems.push(`${missing.length} of ${rows.length} events in the outbox never reached the receiver: ${missing.slice(0, 3).map((r) => `${r.type} ${r.event_id} (${r.status}, ${r.attempts} attempts)`).join(', ')}`);
  const inOutbox = new Set(rows.map((r) => r.event_id));
  const unknown = [...c.receiver.kept.keys()].filter((id) => !inOutbox.has(id));
  if (unknown.length) c.problems.push(`the receiver kept ${unknown.length} event id(s) the outbox does not hold for it: ${unknown.slice(0, 3).join(', ')}`);
  if (c.receiver.stats.unverified) c.problems.push(`the receiver got ${c.receiver.stats.unverified} message(s) that failed signature verification`);
  c.problems.push(...c.receiver.errors);

  // Each order's status changes as its record has them, against what the receiver kept.
  const kept = new Map<string, string[]>();
  for (const e of c.receiver.kept.values()) {
    if (e.type !== 'order.status_changed') continue;
    const orderId = String(e.data.orderId);
    kept.set(orderId, [...(kept.get(orderId) ?? []), `${String(e.data.previousStatus)}->${String(e.data.status)}`]);
  }
  let changes = 0;
  const wrong: string[] = [];
  await mapLimit([...c.accepted], 8, async (orderId) => {
    const r = await httpJson<History>(c.apiBase, 'GET', `/orders/${orderId}`, undefined, { headers: c.apiHeaders });
    if (r.status !== 200 || !r.body?.history) {
      wrong.push(`${orderId}: GET /orders answered ${r.status}`);
      return;
    }
    const h = r.body.history;
    const expected = h.slice(1).flatMap((x, i) => (x.status === h[i].status ? [] : [`${h[i].status}->${x.status}`]));
    changes += expected.length;
    const got = kept.get(orderId) ?? [];
    if (expected.sort().join(' ') !== [...got].sort().join(' ')) wrong.push(`${orderId}: record [${expected.join(', ')}], received [${got.sort().join(', ')}]`);
  });
  if (wrong.length) c.problems.push(`${wrong.length} order(s) whose order.status_changed events do not match their record: ${wrong.slice(0, 3).join('; ')}`);

  const byType = new Map<string, number>();
  for (const r of rows) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  const {
    rows: [a],
  } = await c.knex.raw<{ rows: Array<Record<string, number>> }>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE a.outcome = 'delivered')::int AS delivered,
            count(*) FILTER (WHERE a.error LIKE '%ECONNREFUSED%')::int AS refused,
            count(*) FILTER (WHERE a.status_code = 500)::int AS "answered500",
            count(*) FILTER (WHERE a.error = 'timed out')::int AS "timedOut",
            count(*) FILTER (WHERE a.outcome <> 'delivered' AND a.status_code IS NULL AND a.error NOT LIKE '%ECONNREFUSED%' AND a.error <> 'timed out')::int AS "otherNetwork"
       FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.subscription_id = ?`,
    [c.subscriptionId],
  );
  const s = c.receiver.stats;
  c.notes.push(
    `outbox: ${rows.length} events for the subscription (${[...byType].map(([t, n]) => `${t} ${n}`).join(', ')}), ${c.receiver.kept.size} kept by the receiver; ${changes} status changes in ${[...c.accepted].length} records`,
    `attempts: ${a.total} (${a.delivered} delivered, ${a.refused} refused, ${a.answered500} answered 500, ${a.timedOut} timed out, ${a.otherNetwork} other network errors); most attempts for one delivery ${Math.max(0, ...rows.map((r) => r.attempts))}, mean ${fmt(rows.reduce((t, r) => t + r.attempts, 0) / Math.max(1, rows.length), 2)}`,
    `receiver: ${s.requests} requests over ${s.phases} phases (${s.answered500} answered 500, ${s.slow} slow, ${s.ok} ok; ${s.openAtRefused} connections open on entering "refused", idle ones closed; ${s.resetInRefused} requests reset there), ${s.repeats} repeats of a kept id`,
  );
}
