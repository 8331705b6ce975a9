/**
 * Fault run 10 (issue #26): replicas under faults. Two worker processes and two API processes
 * on one dev server and one database; orders posted alternately to both APIs (a key per role),
 * a webhook subscriber to every event type that flaps as in run 8; mid-run `kill -9` one worker
 * and one API, and the client sends the same idempotent request to the other API. One SKU starts
 * at nothing, so a fifth of the orders wait for it with a promise date from an open purchase
 * order, and are woken by its receipts (two through the PO, from a worker; two plain receipts,
 * from an API) — so every background job has work: reaper, maintenance, dispatcher,
 * availability watcher, stock wake-ups and the promise loop.
 *
 * FAULTS_REPLICAS_WORKERS=1: the same run with one worker (killed and started again, as run 1),
 * the throughput comparison. On 2 cores this is a correctness run, not a speed claim.
 */
import { freePort } from '../platform/dev-server';
import { envInt, fmt, sleep, waitFor } from './common';
import { httpJson, sendFailover } from './http';
import { startFlappingReceiver } from './fault-receiver';
import { checkNoEventLost, subscribeAll, waitDrained } from './fault-webhooks';
import { checkAvailabilityOnce, checkNoFactTwice, checkPromiseChains, checkSingleBackgroundWorkflows, checkWakeupsOnce } from './fault-replicas';
import { plainOrders, plentiful, rng } from './fault-orders';
import { log, type CallerRole, type OrderBody, type RunDef, type World } from './fault-world';

const WAREHOUSES = ['r-ams', 'r-rtm'];
const SKUS = ['R-A', 'R-B', 'R-C', 'R-D'];
/** None in stock at the start: the orders that carry it wait, and are woken by its receipts. */
const SCARCE = 'R-Z';
const WORKERS = envInt('FAULTS_REPLICAS_WORKERS', 2);

/** Sends until answered for good, over whichever API still answers (the harness's client rule). */
async function call(w: World, role: CallerRole, method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  // A PO receipt waits for the PO's workflow, behind the orders' backlog on a loaded worker: minutes, at times.
  const r = await sendFailover(w.apiBases, 0, method, path, body, { timeoutMs: 30_000, headers: { ...w.auth(role), ...headers }, deadline: Date.now() + 300_000 });
  w.count(`${method} ${path.replace(/\/po-[^/]+/, '/:id')} ${r.status}`);
  return r;
}

function ordersWithScarce(n: number): OrderBody[] {
  // Every fifth order also asks for one unit of the scarce SKU.
  return plainOrders('rp', n, SKUS, 10).map((b, i) => (i % 5 === 2 ? { ...b, lines: [...b.lines, { sku: SCARCE, quantity: 1 }] } : b));
}

export const REPLICA_RUNS: RunDef[] = [
  {
    id: 10,
    name: 'replicas',
    fault: `${WORKERS} worker(s) and 2 APIs on one dev server and database, a flapping webhook subscriber; kill -9 one worker and one API mid-run`,
    // Run 8's webhook backoff (short, so a delivery unlucky a few times does not wait out the run); orders wait for the scarce SKU.
    options: {
      mode: 'simulated',
      simulatedDelay: '200ms',
      replicas: { workers: WORKERS, apis: 2 },
      env: { WEBHOOK_POLL_INTERVAL: '250ms', WEBHOOK_RETRY_BASE: '500ms', WEBHOOK_RETRY_MAX: '4s', BACKORDER_TIMEOUT: '10m', PROMISE_INTERVAL: '1s' },
    },
    settleMs: 240_000,
    async run(w, n) {
      const port = await freePort();
      const sub = await subscribeAll(w.apiBase, `http://127.0.0.1:${port}/hooks`, w.auth('admin'));
      w.cleanup.add('delete the webhook subscription', () => httpJson(w.apiBase, 'DELETE', `/webhooks/${sub.id}`, undefined, { headers: w.auth('admin') }));
      const rx = await startFlappingReceiver({ port, secret: sub.secret, phaseMs: 3_000, random: rng(10) });
      w.cleanup.add('close the webhook receiver', () => rx.close());
      await w.seed(WAREHOUSES, { 'r-ams': { ...plentiful(SKUS, 400), [SCARCE]: 0 }, 'r-rtm': plentiful(SKUS, 400) });
      const bodies = ordersWithScarce(n);
      const scarceOrders = bodies.filter((b) => b.lines.some((l) => l.sku === SCARCE)).map((b) => b.orderId);
      // Supply on its way: the waiting orders get a promise date from it (the promise loop).
      const viaPo = Math.ceil(scarceOrders.length / 2);
      const opened = await call(w, 'admin', 'POST', '/purchase-orders', { purchaseOrderId: 'po-scarce', supplier: 'faults', warehouseId: 'r-ams', expectedAt: '2030-01-01', lines: [{ sku: SCARCE, quantity: viaPo }] });
      if (opened.status !== 201) throw new Error(`open po-scarce: ${opened.status} ${JSON.stringify(opened.body)}`);

      const t0 = Date.now();
      await w.postAll(bodies, {
        perSecond: 25,
        concurrency: 8,
        atHalf: async () => {
          const api = w.apis[1];
          const worker = w.workers[0];
          log(`${w.name}: kill -9 api pid ${api.pid} (${w.apiBases[1]}) and worker pid ${worker.pid}`);
          await Promise.all([api.kill9(), worker.kill9()]);
          if (w.workers.filter((p) => p.alive()).length === 0) {
            // One worker only (the comparison): nothing runs the orders until a new one starts.
            await sleep(2_000);
            await w.startWorker();
            log(`${w.name}: new worker pid ${w.worker.pid}`);
          }
        },
      });

      // The scarce SKU arrives in four parts: two PO receipts (woken from a worker's activity), two plain receipts (from an API).
      const plain = scarceOrders.length - viaPo;
      const parts: Array<[string, string, unknown, Record<string, string>]> = [
        ['POST', '/purchase-orders/po-scarce/receipts', { receiptId: 'a', lines: [{ sku: SCARCE, quantity: Math.ceil(viaPo / 2) }] }, {}],
        ['POST', '/inventory/receipts', { warehouseId: 'r-ams', sku: SCARCE, quantity: Math.ceil(plain / 2), reference: 'faults' }, { 'Idempotency-Key': 'rcpt-scarce-1' }],
        ['POST', '/purchase-orders/po-scarce/receipts', { receiptId: 'b', lines: [{ sku: SCARCE, quantity: viaPo - Math.ceil(viaPo / 2) }] }, {}],
        ['POST', '/inventory/receipts', { warehouseId: 'r-ams', sku: SCARCE, quantity: plain - Math.ceil(plain / 2), reference: 'faults' }, { 'Idempotency-Key': 'rcpt-scarce-2' }],
      ];
      // Two seconds apart, each on its own: a receipt the API waits on (a PO's Update) does not hold back the next.
      const posted = (Date.now() - t0) / 1000;
      const took: string[] = [];
      await Promise.all(
        parts.map(async ([method, path, body, headers], i) => {
          await sleep(2_000 * (i + 1));
          const sent = Date.now();
          const r = await call(w, path.startsWith('/purchase-orders') ? 'system' : 'admin', method, path, body, headers);
          took.push(`${path.split('/')[1]} ${fmt((Date.now() - sent) / 1000)} s`);
          if (r.status !== 200 && r.status !== 201) w.problems.push(`${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
        }),
      );
      w.notes.push(`orders posted in ${fmt(posted)} s; receipts of ${SCARCE} answered in ${took.join(', ')}`);

      let lastLog = 0;
      const delivered = await waitFor(
        'every accepted order delivered',
        async () => {
          const got = (await w.listOrders(`OrderStatus = 'delivered'`)).length;
          if (Date.now() - lastLog > 15_000) {
            lastLog = Date.now();
            log(`${w.name}: ${got}/${w.accepted.size} delivered at ${fmt((Date.now() - t0) / 1000, 0)} s`);
          }
          return got >= w.accepted.size ? got : undefined;
        },
        240_000,
        1_000,
      ).catch(() => NaN);
      const seconds = (Date.now() - t0) / 1000;
      const throughput = `throughput with ${WORKERS} worker process(es): ${delivered} orders delivered in ${fmt(seconds)} s from the first POST = ${fmt(delivered / seconds, 2)} orders/s`;
      log(`${w.name}: ${throughput}`);
      w.notes.push(throughput);

      await rx.steady();
      const check = { knex: w.knex, apiBase: w.apiBase, apiHeaders: w.auth('system'), subscriptionId: sub.id, receiver: rx, accepted: w.accepted, problems: w.problems, notes: w.notes };
      const drained = await waitDrained(check, 120_000);
      w.notes.push(`outbox drained ${fmt(drained)} s after the receiver became steady`);
      await checkNoEventLost(check);
      checkNoFactTwice(rx, w.problems);
      w.notes.push(await checkAvailabilityOnce(w.knex, w.problems));
      w.notes.push(await checkSingleBackgroundWorkflows(w.client, w.problems));
      // Every change that freed the scarce SKU: the receipts that took effect (the ledger's), and any release of it.
      const receipts = Number((await w.knex('stock_movements').where({ sku: SCARCE, kind: 'receipt' }).count<{ n: string }[]>({ n: '*' }))[0].n);
      const released = Number((await w.knex('reservations').where({ sku: SCARCE, status: 'released' }).count<{ n: string }[]>({ n: '*' }))[0].n);
      w.notes.push(await checkWakeupsOnce(w.client, scarceOrders.filter((id) => w.accepted.has(id)), SCARCE, receipts + released, w.problems));
      w.notes.push(await checkPromiseChains(w.knex, w.problems));
      w.notes.push(`processes: ${w.workers.map((p) => `worker ${p.pid} ${p.alive() ? 'alive' : 'killed'}`).join(', ')}, ${w.apis.map((p) => `api ${p.pid} ${p.alive() ? 'alive' : 'killed'}`).join(', ')}`);
    },
  },
];
