/**
 * The warehouse of the HTTP fault run: a loopback service (bench/peer-server, every message
 * verified) that answers 500 to a share of the requests, can reset every connection for a
 * while, and for each fulfillment it accepted reports `picked` then `packed` back through the
 * API, as a real warehouse would — politely (429 + Retry-After honoured, never giving up on an
 * event the order still waits for). Counts what it received per order and fulfillment, so the
 * run can check that no order got a fulfillment twice.
 */
import { startPeerServer, type PeerServer } from './peer-server';
import { httpJson, sendPolitely } from './http';
import { sleep } from './common';
import { politeWaitMs } from '../integrations/retry-after';

/** How long the warehouse keeps reporting an event the order still waits for (the run settles well before). */
const REPORT_HORIZON_MS = 20 * 60_000;

export interface FaultWarehouse {
  server: PeerServer;
  /** Until this time every connection is reset. */
  resetUntil: number;
  stats: {
    requests: number;
    answered500: number;
    reset: number;
    accepted: number;
    repeats: number;
    eventsPosted: number;
    /** Event posts answered 429 (sent again after Retry-After), and 503 / no answer. */
    throttled: number;
    unavailable: number;
    /** Events not sent because the order no longer waited for them. */
    notNeeded: number;
    eventFailures: number;
  };
  /** orderId → fulfillmentId → webhook-ids of the fulfillment.requested it accepted (first time each). */
  accepted: Map<string, Map<string, Set<string>>>;
  /** Resolves once every scheduled event post finished. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultWarehouse(opts: {
  secret: string;
  apiBase: string;
  /** The Authorization header of its system key. */
  apiHeaders: Record<string, string>;
  failShare: number;
  random: () => number;
  stepDelayMs: number;
  problems: string[];
}): Promise<FaultWarehouse> {
  const server = await startPeerServer(opts.secret);
  const seen = new Set<string>();
  const pending = new Set<Promise<void>>();
  const w: FaultWarehouse = {
    server,
    resetUntil: 0,
    stats: { requests: 0, answered500: 0, reset: 0, accepted: 0, repeats: 0, eventsPosted: 0, throttled: 0, unavailable: 0, notNeeded: 0, eventFailures: 0 },
    accepted: new Map(),
    drain: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    close: () => server.close(),
  };

  /**
   * Reports `picked`, then `packed`, like a good integrator (docs/rate-limits.md): a refused-for-
   * now answer (429, 503, none) is sent again after Retry-After; a 409 is asked about: while the
   * order still waits for the event (it may not have seen our 2xx yet) it is sent again, once
   * the order moved past it or closed it is not needed any more. Bounded only by the run.
   */
  async function report(orderId: string, fulfillmentId: string): Promise<void> {
    const deadline = Date.now() + REPORT_HORIZON_MS;
    for (const type of ['picked', 'packed'] as const) {
      await sleep(opts.stepDelayMs);
      for (let attempt = 0; ; attempt++) {
        const r = await sendPolitely(opts.apiBase, 'POST', `/orders/${orderId}/events`, { type, fulfillmentId }, {
          timeoutMs: 30_000,
          headers: opts.apiHeaders,
          deadline,
          onRetry: (a) => (a.status === 429 ? w.stats.throttled++ : w.stats.unavailable++),
        });
        if (r.status === 200) {
          w.stats.eventsPosted++;
          break;
        }
        const waits = await stillWaits(orderId, fulfillmentId, type);
        if (waits === false) {
          w.stats.notNeeded++;
          return;
        }
        if (Date.now() > deadline) {
          w.stats.eventFailures++;
          opts.problems.push(`warehouse: event ${type} for ${orderId}/${fulfillmentId} not taken within ${REPORT_HORIZON_MS / 60_000} min: ${r.status} ${JSON.stringify(r.body).slice(0, 160)}`);
          return;
        }
        await sleep(politeWaitMs(attempt, undefined, { random: opts.random, maxMs: 5_000 }));
      }
    }
  }

  /** Whether the order still waits for this event (undefined: cannot tell now, so keep trying). */
  async function stillWaits(orderId: string, fulfillmentId: string, type: 'picked' | 'packed'): Promise<boolean | undefined> {
    const r = await httpJson<{ status?: string; fulfillments?: { fulfillmentId: string; status: string }[] }>(opts.apiBase, 'GET', `/orders/${orderId}`, undefined, { headers: opts.apiHeaders });
    if (r.status !== 200 || !r.body) return undefined;
    if (['delivered', 'cancelled', 'rejected', 'timed_out'].includes(r.body.status ?? '')) return false;
    const f = r.body.fulfillments?.find((x) => x.fulfillmentId === fulfillmentId);
    if (!f) return undefined;
    const before = type === 'picked' ? ['requested', 'picking'] : ['requested', 'picking', 'packing'];
    return before.includes(f.status);
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
