/** Fault runs 1–3: a process the product depends on dies or goes away mid-run (worker, Temporal, Postgres). */
import { fmt, sleep } from './common';
import { plainOrders, plentiful } from './fault-orders';
import { log, type RunDef } from './fault-world';

export const PROCESS_RUNS: RunDef[] = [
  {
    id: 1,
    name: 'kill9-worker',
    fault: 'kill -9 the worker mid-run, start a new one',
    options: { mode: 'simulated', simulatedDelay: '200ms' },
    settleMs: 240_000,
    async run(w, n) {
      const skus = ['K-A', 'K-B', 'K-C', 'K-D'];
      await w.seed(['k-ams', 'k-rtm'], { 'k-ams': plentiful(skus, 400), 'k-rtm': plentiful(skus, 400) });
      await w.postAll(plainOrders('k9', n, skus, 1), {
        perSecond: 25,
        concurrency: 8,
        atHalf: async () => {
          log(`${w.name}: kill -9 worker pid ${w.worker.pid}`);
          await w.worker.kill9();
          await sleep(2_000);
          await w.startWorker();
          log(`${w.name}: new worker pid ${w.worker.pid}`);
        },
      });
    },
  },
  {
    id: 2,
    name: 'temporal-restart',
    fault: 'stop and restart the Temporal dev server (same SQLite file, same port)',
    options: { mode: 'simulated', simulatedDelay: '200ms' },
    settleMs: 240_000,
    async run(w, n) {
      const skus = ['T-A', 'T-B', 'T-C', 'T-D'];
      await w.seed(['t-ams', 't-rtm'], { 't-ams': plentiful(skus, 400), 't-rtm': plentiful(skus, 400) });
      await w.postAll(plainOrders('tr', n, skus, 2), {
        perSecond: 25,
        concurrency: 8,
        atHalf: async () => {
          log(`${w.name}: stopping the dev server ${w.server.address}`);
          const t = Date.now();
          await w.restartTemporal(3_000);
          log(`${w.name}: dev server back after ${fmt((Date.now() - t) / 1000)} s`);
        },
      });
    },
  },
  {
    id: 3,
    name: 'postgres-outage',
    fault: 'Postgres refuses/resets connections for 20 s (TCP proxy)',
    options: { mode: 'simulated', simulatedDelay: '200ms', viaProxy: true },
    settleMs: 240_000,
    async run(w, n) {
      const skus = ['P-A', 'P-B', 'P-C', 'P-D'];
      await w.seed(['p-ams', 'p-rtm'], { 'p-ams': plentiful(skus, 400), 'p-rtm': plentiful(skus, 400) });
      await w.postAll(plainOrders('pg', n, skus, 3), {
        perSecond: 25,
        concurrency: 8,
        atHalf: async () => {
          log(`${w.name}: Postgres unreachable for 20 s`);
          await w.proxy!.refuse(20_000);
          log(`${w.name}: Postgres reachable again (${w.proxy!.resets()} connection(s) reset)`);
        },
      });
    },
  },
];
