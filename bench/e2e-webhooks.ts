/**
 * The order e2e with the webhook loops beside its worker in the bench process, as a worker
 * process runs them (webhooks/loops.ts on the worker's own knex pool, the product's WEBHOOK_*
 * defaults unless the environment sets them), twice per round: with no subscription, and
 * with one subscription to every event type whose receiver is dead. Nothing listens on its
 * loopback port (connection refused) until half the measured orders are delivered (by their
 * records, polled twice a second in both runs alike); from then on a receiver answers 500 to
 * everything. docs/design.md §11: a slow or dead receiver never delays an order, so both runs should
 * be as fast.
 *
 * The 500 receiver is a child process: a real receiver is elsewhere, so its HTTP work must
 * not land on the worker's event loop. It still shares the machine's CPUs, as Postgres and
 * the dev server do.
 */
import { spawn } from 'node:child_process';
import type { Knex } from 'knex';
import { loadConfig, type Config } from '../config/config';
import { freePort } from '../platform/dev-server';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/event-types';
import { startWebhookLoops } from '../webhooks/loops';
import { createSubscription, deleteSubscription } from '../webhooks/subscriptions';
import { fmt } from './common';
import type { E2eRun, OutboxCounts, WebhooksE2e } from './e2e-types';

export type { OutboxCounts, WebhooksE2e };

export interface WebhookRound {
  none: E2eRun;
  dead: E2eRun;
  outbox: OutboxCounts;
}

/** Runs the order e2e of `n` measured orders with `onStart` called on each start (e2e-runs.ts runOrders). */
export type RunOrders = (label: string, onStart: (id: string) => void) => Promise<E2eRun>;

// WEBHOOK_DELIVERY is left out on purpose: with it off there would be nothing to measure.
const PASSED_ON = ['WEBHOOK_POLL_INTERVAL', 'WEBHOOK_RETRY_BASE', 'WEBHOOK_RETRY_MAX', 'WEBHOOK_RETRY_HORIZON', 'AVAILABILITY_EVENT_WINDOW'];

function webhookConfig(): Config['webhooks'] {
  return loadConfig(Object.fromEntries(PASSED_ON.flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])))).webhooks;
}

// It exits when the bench does (its stdin closes), however the bench ends.
const RECEIVER_500 = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(500, { 'content-type': 'text/plain' }).end('bench receiver: failing'));
});
server.listen(Number(process.argv[1]), '127.0.0.1', () => process.stdout.write('listening\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

async function startFailingReceiver(port: number): Promise<{ close(): Promise<void> }> {
  const child = spawn(process.execPath, ['-e', RECEIVER_500, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await Promise.race([
    new Promise<void>((resolve) => child.stdout.once('data', () => resolve())),
    exited.then(() => Promise.reject(new Error(`the 500 receiver on port ${port} exited before listening`))),
  ]);
  return {
    async close() {
      child.kill();
      await exited;
    },
  };
}

async function outboxCounts(knex: Knex, subscriptionId: string, since: string): Promise<OutboxCounts> {
  const {
    rows: [d],
  } = await knex.raw<{ rows: Array<Omit<OutboxCounts, 'events' | 'attempts'>> }>(
    `SELECT count(*)::int AS deliveries,
            count(*) FILTER (WHERE status = 'pending')::int AS pending,
            count(*) FILTER (WHERE status = 'delivered')::int AS delivered,
            count(*) FILTER (WHERE status = 'failed')::int AS failed
       FROM webhook_deliveries WHERE subscription_id = ?`,
    [subscriptionId],
  );
  const {
    rows: [a],
  } = await knex.raw<{ rows: Array<OutboxCounts['attempts']> }>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE a.error LIKE '%ECONNREFUSED%')::int AS refused,
            count(*) FILTER (WHERE a.status_code = 500)::int AS "answered500",
            count(*) FILTER (WHERE a.status_code IS DISTINCT FROM 500 AND a.error NOT LIKE '%ECONNREFUSED%')::int AS other
       FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
      WHERE d.subscription_id = ? AND a.outcome <> 'delivered'`,
    [subscriptionId],
  );
  const {
    rows: [e],
  } = await knex.raw<{ rows: Array<{ events: number }> }>('SELECT count(*)::int AS events FROM webhook_events WHERE created_at >= ?', [since]);
  return { events: e.events, ...d, attempts: a };
}

/**
 * Calls `fire` once half of `n` measured orders are delivered: from the first measured start
 * (warm-up ones are all closed by then) it counts delivered records created since.
 */
function atHalfDelivered(knex: Knex, n: number, fire: () => void): { onStart: (id: string) => void; stop: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  const poll = (since: Date) => {
    timer = setTimeout(() => {
      void knex('order_records')
        .where({ status: 'delivered' })
        .where('created_at', '>=', since)
        .count<{ n: string }[]>({ n: '*' })
        .then(([row]) => Number(row.n), () => 0)
        .then((delivered) => {
          if (done) return;
          if (delivered < n / 2) return poll(since);
          done = true;
          fire();
        });
    }, 500);
  };
  return {
    onStart: (id) => {
      if (timer === undefined && !done && id.startsWith('m-')) poll(new Date());
    },
    stop: () => {
      done = true;
      clearTimeout(timer);
    },
  };
}

/** One order run with the webhook loops beside its worker; `atHalf` as atHalfDelivered's `fire`. */
async function withLoops(knex: Knex, n: number, label: string, run: RunOrders, atHalf: () => void = () => undefined): Promise<E2eRun> {
  const loops = startWebhookLoops(knex, webhookConfig());
  const half = atHalfDelivered(knex, n, atHalf);
  try {
    return await run(label, half.onStart);
  } finally {
    half.stop();
    await loops.stop();
  }
}

async function deadSubscriberRun(knex: Knex, n: number, run: RunOrders): Promise<{ run: E2eRun; outbox: OutboxCounts }> {
  const port = await freePort();
  const sub = await createSubscription(knex, { url: `http://127.0.0.1:${port}/hooks`, events: [...WEBHOOK_EVENT_TYPES], description: 'bench e2e: dead subscriber' });
  let receiver: Promise<{ close(): Promise<void> } | Error> | undefined;
  try {
    const result = await withLoops(knex, n, 'dead subscriber', run, () => {
      receiver = startFailingReceiver(port).catch((err: unknown) => err as Error);
    });
    const started = await receiver;
    if (started === undefined || started instanceof Error) throw started ?? new Error('the 500 receiver was never started');
    // Counted after the loops stopped, so every attempt in flight is in the log.
    return { run: result, outbox: await outboxCounts(knex, sub.id, sub.createdAt) };
  } finally {
    const started = await receiver;
    if (started && !(started instanceof Error)) await started.close();
    await deleteSubscription(knex, sub.id);
  }
}

/** One round's pair; which of the two goes first alternates by round, so drift within a round favours neither. */
export async function webhookRound(round: number, knex: Knex, n: number, run: RunOrders): Promise<WebhookRound> {
  const none = () => withLoops(knex, n, 'webhook loops, no subscription', run);
  if (round % 2 === 0) {
    const first = await none();
    const d = await deadSubscriberRun(knex, n, run);
    return { none: first, dead: d.run, outbox: d.outbox };
  }
  const d = await deadSubscriberRun(knex, n, run);
  return { none: await none(), dead: d.run, outbox: d.outbox };
}

export function summarizeWebhookRounds(rounds: WebhookRound[]): WebhooksE2e {
  const best = (runs: E2eRun[]) => runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  const none = best(rounds.map((r) => r.none));
  const dead = best(rounds.map((r) => r.dead));
  return {
    none,
    dead,
    rounds: { none: rounds.map((r) => r.none.perSecond), dead: rounds.map((r) => r.dead.perSecond) },
    ratio: dead.perSecond / none.perSecond,
    pairRatios: rounds.map((r) => r.dead.perSecond / r.none.perSecond),
    outbox: rounds.map((r) => r.outbox),
    wrongEnd: rounds.reduce((t, r) => t + r.none.wrongEnd + r.dead.wrongEnd, 0),
  };
}

export function formatWebhooksE2e(w: WebhooksE2e): string {
  return [
    `webhook rounds (completed/s; none first in rounds 1, 3, …, dead first in 2, 4, …): no subscription ${w.rounds.none.map((x) => fmt(x)).join(', ')} · dead subscriber ${w.rounds.dead.map((x) => fmt(x)).join(', ')} · dead/none per round ${w.pairRatios.map((x) => `${fmt(x, 2)}×`).join(', ')}`,
    '',
    `dead subscriber / no subscription: **${fmt(w.ratio, 2)}×** (goal ≥ 0.9×) — ${w.ratio >= 0.9 ? 'met' : 'NOT met'}`,
    '',
    "The dead subscription's outbox at the end of each of its runs (refused until half the orders were delivered, then 500):",
    '',
    '| round | events | deliveries | pending | delivered | failed | failed attempts | refused | 500 | other |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...w.outbox.map(
      (o, i) =>
        `| ${i + 1} | ${o.events} | ${o.deliveries} | ${o.pending} | ${o.delivered} | ${o.failed} | ${o.attempts.total} | ${o.attempts.refused} | ${o.attempts.answered500} | ${o.attempts.other} |`,
    ),
  ].join('\n');
}
