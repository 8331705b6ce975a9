/**
 * The warehouse of the HTTP fault run: a loopback service (bench/peer-server, every message
 * verified) that answers 500 to a share of the requests, can reset every connection for a
 * while, and for each fulfillment it accepted reports `picked` then `packed` back through the
 * API, as a real warehouse would. Counts what it received per order and fulfillment, so the
 * run can check that no order got a fulfillment twice.
 */
import { startPeerServer, type PeerServer } from './peer-server';
import { httpJson } from './http';
import { sleep } from './common';

export interface FaultWarehouse {
  server: PeerServer;
  /** Until this time every connection is reset. */
  resetUntil: number;
  stats: { requests: number; answered500: number; reset: number; accepted: number; repeats: number; eventsPosted: number; eventFailures: number };
  /** orderId → fulfillmentId → webhook-ids of the fulfillment.requested it accepted (first time each). */
  accepted: Map<string, Map<string, Set<string>>>;
  /** Resolves once every scheduled event post finished. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultWarehouse(opts: { secret: string; apiBase: string; failShare: number; random: () => number; stepDelayMs: number; problems: string[] }): Promise<FaultWarehouse> {
  const server = await startPeerServer(opts.secret);
  const seen = new Set<string>();
  const pending = new Set<Promise<void>>();
  const w: FaultWarehouse = {
    server,
    resetUntil: 0,
    stats: { requests: 0, answered500: 0, reset: 0, accepted: 0, repeats: 0, eventsPosted: 0, eventFailures: 0 },
    accepted: new Map(),
    drain: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    close: () => server.close(),
  };

  async function report(orderId: string, fulfillmentId: string): Promise<void> {
    for (const type of ['picked', 'packed']) {
      await sleep(opts.stepDelayMs);
      // The workflow may not be in picking yet when the answer to our 2xx is on its way: 409 → later.
      for (let attempt = 0; ; attempt++) {
        const r = await httpJson(opts.apiBase, 'POST', `/orders/${orderId}/events`, { type, fulfillmentId }, { timeoutMs: 30_000 });
        if (r.status === 200) {
          w.stats.eventsPosted++;
          break;
        }
        if (attempt >= 60) {
          w.stats.eventFailures++;
          opts.problems.push(`warehouse: event ${type} for ${orderId}/${fulfillmentId} not taken: ${r.status} ${JSON.stringify(r.body).slice(0, 160)}`);
          return;
        }
        await sleep(500);
      }
    }
  }

  server.respond = (m) => {
    w.stats.requests++;
    if (Date.now() < w.resetUntil) {
      w.stats.reset++;
      return { reset: true };
    }
    if (opts.random() < opts.failShare) {
      w.stats.answered500++;
      return { status: 500, json: { error: 'fault run' } };
    }
    if (m.type !== 'fulfillment.requested') return { status: 204 };
    const orderId = String(m.body.orderId);
    const fulfillmentId = String(m.body.fulfillmentId);
    // A receiver deduplicates by webhook-id: a repeat of a message it has is answered, not acted on.
    if (seen.has(m.id)) {
      w.stats.repeats++;
      return { status: 200, json: { taskId: `FW-${fulfillmentId}` } };
    }
    seen.add(m.id);
    w.stats.accepted++;
    const perOrder = w.accepted.get(orderId) ?? new Map<string, Set<string>>();
    w.accepted.set(orderId, perOrder);
    perOrder.set(fulfillmentId, (perOrder.get(fulfillmentId) ?? new Set()).add(m.id));
    const p = report(orderId, fulfillmentId).finally(() => pending.delete(p));
    pending.add(p);
    return { status: 200, json: { taskId: `FW-${fulfillmentId}` } };
  };
  return w;
}
