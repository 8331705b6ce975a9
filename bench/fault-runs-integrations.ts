/** Fault runs 7–8: the integrations over HTTP misbehave (a flaky warehouse service, a flapping webhook receiver). */
import { freePort } from '../platform/dev-server';
import { fmt, mapLimit, sleep, waitFor } from './common';
import { httpJson } from './http';
import { generateSecret } from '../integrations/signed-post';
import { startFaultWarehouse } from './fault-warehouse';
import { startFlappingReceiver } from './fault-receiver';
import { checkNoEventLost, subscribeAll, waitDrained } from './fault-webhooks';
import { plainOrders, plentiful, rng } from './fault-orders';
import { log, type RunDef } from './fault-world';

/** Signs the HTTP warehouse run's messages (its worker and API get it as INTEGRATION_SECRET). */
const FAULT_SECRET = generateSecret();

export const INTEGRATION_RUNS: RunDef[] = [
  {
    id: 7,
    name: 'http-warehouse',
    fault: 'warehouses over HTTP: 1/3 of requests answered 500, every connection reset for 10 s mid-run',
    options: { mode: 'simulated', simulatedDelay: '200ms', env: { INTEGRATION_SECRET: FAULT_SECRET, PICK_TIMEOUT: '10m', PACK_TIMEOUT: '10m' } },
    settleMs: 240_000,
    async run(w, n) {
      const skus = ['W-A', 'W-B', 'W-C', 'W-D'];
      // Plenty at each warehouse for part of the SKUs only, so many orders split across both.
      await w.seed(['w-ams', 'w-rtm'], { 'w-ams': plentiful(skus.slice(0, 3), 400), 'w-rtm': plentiful(skus.slice(1), 400) });
      const wh = await startFaultWarehouse({ secret: FAULT_SECRET, apiBase: w.apiBase, apiHeaders: w.auth('system'), failShare: 1 / 3, random: rng(7), stepDelayMs: 200, problems: w.problems });
      w.cleanup.add('close fault warehouse', () => wh.close());
      for (const [i, id] of ['w-ams', 'w-rtm'].entries()) {
        const r = await httpJson(w.apiBase, 'PUT', `/warehouses/${id}`, { name: `Faults ${id}`, priority: i + 1, fulfillmentUrl: `${wh.server.url}/wms/${id}` }, { headers: w.auth('admin') });
        if (r.status !== 200) throw new Error(`PUT /warehouses/${id} with a fulfillmentUrl: ${r.status} ${JSON.stringify(r.body)}`);
      }
      await w.postAll(plainOrders('hw', n, skus, 7), {
        perSecond: 25,
        concurrency: 8,
        atHalf: async () => {
          wh.resetUntil = Date.now() + 10_000;
          log(`${w.name}: warehouse resets every connection for 10 s`);
          await sleep(10_000);
        },
      });
      // Until every accepted order is delivered (or the bound): the warehouse keeps reporting. A
      // request unlucky through the resets and then the 500s backs off up to 30 s between tries
      // (the peers' retry policy): the last order of a run took from ~60 s to ~200 s to deliver
      // (BENCHMARKS.md, runs H and J), so 240 s was too close a bound; the pick deadline is 10 min.
      await waitFor('every accepted order delivered', async () => ((await w.listOrders(`OrderStatus = 'delivered'`)).length >= w.accepted.size ? true : undefined), 480_000, 1_000).catch(() => undefined);
      await wh.drain();
      const records = await mapLimit([...w.accepted], 8, async (id) => {
        const r = await httpJson<{ fulfillments?: { fulfillmentId: string; warehouseId: string }[] }>(w.apiBase, 'GET', `/orders/${id}`, undefined, { headers: w.auth('system') });
        return [id, r.body?.fulfillments ?? []] as const;
      });
      let fulfillments = 0;
      for (const [orderId, fs] of records) {
        const got = wh.accepted.get(orderId) ?? new Map<string, Set<string>>();
        fulfillments += fs.length;
        for (const [fid, ids] of got) if (ids.size !== 1) w.problems.push(`order ${orderId}: fulfillment ${fid} requested under ${ids.size} different ids`);
        const expected = fs.map((f) => f.fulfillmentId).sort().join(',');
        const received = [...got.keys()].sort().join(',');
        if (expected !== received) w.problems.push(`order ${orderId}: the warehouse took fulfillments [${received}], the order has [${expected}]`);
      }
      const st = wh.stats;
      w.notes.push(
        `warehouse saw ${st.requests} requests: ${st.answered500} answered 500, ${st.reset} reset, ${st.accepted} fulfillments taken (${fulfillments} in the orders), ${st.repeats} repeats of a taken id; ${st.eventsPosted} events posted back (${st.throttled} answers 429 and ${st.unavailable} 503/none sent again after waiting, ${st.notNeeded} no longer needed), ${st.eventFailures} not taken; unverified ${wh.server.messages.filter((m) => !m.verified).length}`,
      );
      if (wh.server.messages.some((m) => !m.verified)) w.problems.push('the warehouse received unsigned or badly signed messages');
    },
  },
  {
    id: 8,
    name: 'webhook-flaps',
    fault: 'a webhook subscriber to every event type flaps: connection refused / 500 / slow (at times past the 10 s timeout) / ok',
    // Backoff 0.5 s doubling to 4 s: with the default 10 s → 1 h a delivery unlucky a few times would wait out the run.
    options: { mode: 'simulated', simulatedDelay: '200ms', env: { WEBHOOK_POLL_INTERVAL: '250ms', WEBHOOK_RETRY_BASE: '500ms', WEBHOOK_RETRY_MAX: '4s' } },
    settleMs: 240_000,
    async run(w, n) {
      const skus = ['E-A', 'E-B', 'E-C', 'E-D'];
      // Subscribed before the stock arrives, so the receipts' inventory events are part of the run.
      const port = await freePort();
      const sub = await subscribeAll(w.apiBase, `http://127.0.0.1:${port}/hooks`, w.auth('admin'));
      w.cleanup.add('delete the webhook subscription', () => httpJson(w.apiBase, 'DELETE', `/webhooks/${sub.id}`, undefined, { headers: w.auth('admin') }));
      const rx = await startFlappingReceiver({ port, secret: sub.secret, phaseMs: 3_000, random: rng(8) });
      w.cleanup.add('close the webhook receiver', () => rx.close());
      await w.seed(['e-ams', 'e-rtm'], { 'e-ams': plentiful(skus, 400), 'e-rtm': plentiful(skus, 400) });
      await w.postAll(plainOrders('wh', n, skus, 8), { perSecond: 25, concurrency: 8 });
      await waitFor('every accepted order delivered', async () => ((await w.listOrders(`OrderStatus = 'delivered'`)).length >= w.accepted.size ? true : undefined), 240_000, 1_000).catch(() => undefined);
      await rx.steady();
      const check = { knex: w.knex, apiBase: w.apiBase, apiHeaders: w.auth('system'), subscriptionId: sub.id, receiver: rx, accepted: w.accepted, problems: w.problems, notes: w.notes };
      const drained = await waitDrained(check, 120_000);
      log(`${w.name}: orders delivered, receiver steady after ${rx.stats.phases} phases; outbox drained ${fmt(drained)} s later`);
      w.notes.push(`outbox drained ${fmt(drained)} s after the receiver became steady`);
      await checkNoEventLost(check);
    },
  },
];
