/** Fault runs 4–6: the order traffic itself is the fault (cancels at random moments, duplicates, contention on hot SKUs). */
import { decodePayload } from '../platform/payload';
import { mapLimit, sleep } from './common';
import { httpJson, sendPolitely } from './http';
import { ADDRESS, plainOrders, plentiful, rng } from './fault-orders';
import { log, type OrderBody, type RunDef, type World } from './fault-world';

export const TRAFFIC_RUNS: RunDef[] = [
  {
    id: 4,
    name: 'cancel-storm',
    fault: 'cancel half the orders at random moments',
    options: { mode: 'simulated', simulatedDelay: '500ms' },
    settleMs: 240_000,
    async run(w, n) {
      const skus = ['C-A', 'C-B', 'C-C', 'C-D'];
      await w.seed(['c-ams', 'c-rtm'], { 'c-ams': plentiful(skus, 400), 'c-rtm': plentiful(skus, 400) });
      const r = rng(4);
      const bodies = plainOrders('cx', n, skus, 4);
      const toCancel = new Set(bodies.filter(() => r() < 0.5).map((b) => b.orderId));
      const answers = new Map<string, number>();
      const refusals = new Map<string, { text: string; status?: string }>();
      const uncertain = new Set<string>();
      const cancels: Promise<void>[] = [];
      const origPost = w.post.bind(w);
      w.post = async (body, copies) => {
        await origPost(body, copies);
        if (!toCancel.has(body.orderId) || !w.accepted.has(body.orderId)) return;
        const delay = Math.floor(r() * 15_000);
        cancels.push(
          sleep(delay).then(async () => {
            // A 503 / no answer "may still take effect": the cancel is sent again, and a 409 after it may be its own echo.
            const a = await sendPolitely(w.apiBase, 'POST', `/orders/${body.orderId}/cancel`, { reason: 'fault run: cancel storm' }, {
              timeoutMs: 60_000,
              headers: w.auth('support'),
              onRetry: (x) => {
                w.count(`POST cancel ${x.status} (sent again)`);
                if (x.status !== 429) uncertain.add(body.orderId);
              },
            });
            answers.set(body.orderId, a.status);
            if (a.status === 409) refusals.set(body.orderId, { text: `${(a.body as { error?: string })?.error}: ${(a.body as { message?: string })?.message}`, status: (a.body as { status?: string })?.status });
            w.count(`POST cancel ${a.status}`);
            if (a.status !== 200 && a.status !== 409) w.problems.push(`cancel ${body.orderId}: ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
          }),
        );
      };
      await w.postAll(bodies, { perSecond: 25, concurrency: 8 });
      await Promise.all(cancels);
      await w.settle(120_000, false);
      const final = new Map((await w.listOrders()).map((e) => [(e.execution?.workflowId ?? '').replace(/^order-/, ''), String(decodePayload(e.searchAttributes?.indexedFields?.OrderStatus))]));
      for (const [id, code] of answers) {
        const s = final.get(id);
        if (code === 200 && s !== 'cancelled') w.problems.push(`cancel of ${id} answered 200 but the order ended ${s}`);
        // After an attempt of unknown outcome, a 409 naming the order cancelled is that attempt's own doing.
        const echo = uncertain.has(id) && refusals.get(id)?.status === 'cancelled';
        if (code === 409 && s === 'cancelled' && !echo) w.problems.push(`cancel of ${id} answered 409 (${refusals.get(id)?.text}) but the order ended cancelled`);
      }
      if (uncertain.size) w.notes.push(`${uncertain.size} cancel(s) sent again after a 503 or no answer`);
      w.notes.push(`cancels sent ${answers.size}: 200 ×${[...answers.values()].filter((c) => c === 200).length}, 409 ×${[...answers.values()].filter((c) => c === 409).length}`);
    },
  },
  {
    id: 5,
    name: 'duplicate-storm',
    fault: 'every order POSTed 3× concurrently, every event sent twice (manual mode)',
    options: { mode: 'manual' },
    settleMs: 60_000,
    async run(w, n) {
      const skus = ['D-A', 'D-B', 'D-C', 'D-D'];
      await w.seed(['d-ams', 'd-rtm'], { 'd-ams': plentiful(skus, 400), 'd-rtm': plentiful(skus, 400) });
      const bodies = plainOrders('dup', n, skus, 5);
      const driving = driveEvents(w, 240_000);
      await w.postAll(bodies, { perSecond: 25, concurrency: 8, copies: 3 });
      await driving;
    },
  },
  {
    id: 6,
    name: 'hot-skus',
    fault: 'opposing multi-line orders over 3 hot SKUs, limited stock, a receipt mid-run',
    options: { mode: 'simulated', simulatedDelay: '200ms', env: { BACKORDER_TIMEOUT: '15s' } },
    settleMs: 240_000,
    async run(w, n) {
      const hot = ['H-A', 'H-B', 'H-C'];
      // Demand is about 2 units per SKU per order: stock for ~60% of it, split unevenly.
      const u = Math.max(10, Math.round(n * 0.6));
      await w.seed(['h-ams', 'h-rtm'], {
        'h-ams': { 'H-A': Math.round(u * 0.67), 'H-B': Math.round(u * 0.5), 'H-C': Math.round(u * 0.33) },
        'h-rtm': { 'H-A': Math.round(u * 0.33), 'H-B': Math.round(u * 0.5), 'H-C': Math.round(u * 0.67) },
      });
      const r = rng(6);
      const bodies: OrderBody[] = Array.from({ length: n }, (_, i) => {
        const lines = hot.map((sku) => ({ sku, quantity: 1 + Math.floor(r() * 3) }));
        return {
          orderId: `hot-${String(i).padStart(4, '0')}`,
          channel: 'faults',
          customer: { id: `c-${i % 11}` },
          shippingAddress: ADDRESS,
          // Opposite line orders: A,B,C against C,B,A (and a duplicate SKU line now and then).
          lines: i % 2 === 0 ? lines : [...lines].reverse().concat(i % 10 === 1 ? [{ sku: 'H-B', quantity: 1 }] : []),
        };
      });
      await w.postAll(bodies, {
        perSecond: 40,
        concurrency: 16,
        atHalf: async () => {
          await sleep(2_000);
          await w.receive('h-rtm', 'H-B', 40);
          log(`${w.name}: received 40 × H-B at h-rtm mid-run`);
        },
      });
    },
  },
];

/** Manual mode: sends each fitting event twice, concurrently, until every accepted order is delivered. */
async function driveEvents(w: World, timeoutMs: number): Promise<void> {
  const STEPS: [string, (id: string) => Record<string, unknown>][] = [
    ['picking', () => ({ type: 'picked' })],
    ['packing', () => ({ type: 'packed' })],
    ['shipping', (id) => ({ type: 'shipped', carrier: 'FaultPost', trackingNumber: `FP-${id}` })],
    ['shipped', () => ({ type: 'delivered' })],
  ];
  const sent = new Set<string>();
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    let progress = 0;
    for (const [status, event] of STEPS) {
      const r = await httpJson<{ orders?: { orderId: string }[] }>(w.apiBase, 'GET', `/orders?status=${status}&limit=500`, undefined, { headers: w.auth('system') });
      const ids = (r.body?.orders ?? []).map((o) => o.orderId).filter((id) => !sent.has(`${id}:${status}`));
      await mapLimit(ids, 8, async (id) => {
        sent.add(`${id}:${status}`);
        progress++;
        const body = event(id);
        const answers = await Promise.all(
          [0, 1].map(() => sendPolitely(w.apiBase, 'POST', `/orders/${id}/events`, body, { timeoutMs: 60_000, headers: w.auth('system'), onRetry: (a) => w.count(`event ${String(body.type)} ${a.status} (sent again)`) })),
        );
        for (const a of answers) w.count(`event ${String(body.type)} ${a.status}`);
        const bad = answers.filter((a) => a.status !== 200);
        if (bad.length) w.problems.push(`event ${String(body.type)} ×2 to ${id}: ${answers.map((a) => a.status).join('/')} ${JSON.stringify(bad[0].body).slice(0, 160)}`);
      });
    }
    const delivered = await w.listOrders(`OrderStatus = 'delivered'`);
    if (w.accepted.size > 0 && delivered.length >= w.accepted.size && w.posted.size === w.accepted.size + w.unanswered.size) {
      const open = await w.listOrders(`ExecutionStatus = 'Running'`);
      if (open.length === 0) return;
    }
    if (progress === 0) await sleep(500);
  }
  w.problems.push(`event driver: not every order delivered within ${timeoutMs / 1000} s`);
}
