/**
 * One warehouse adapter for the worker that picks, per call, how to reach the warehouse the
 * call is about: over HTTP when it has a fulfillmentUrl, else the WAREHOUSE_MODE adapter. So
 * one order may mix an HTTP warehouse and a simulated one.
 *
 * Routing reads the catalog at call time: a new fulfillment's request reads it fresh, so a URL
 * set or cleared applies to the next request; other calls read it through a short cache — also
 * for a fulfillment already open: one requested over
 * HTTP whose URL is then cleared is cancelled by the fallback adapter. Its progress is awaited
 * by event all the same (the pick task's answer says so; workflows/order/patches.ts
 * LEAN_ORDER): the fallback never got the task. Orders started before that patch waited on
 * the fallback there too.
 */
import type { Warehouse } from '../../ledger/types';
import { httpWarehouse } from './http-warehouse';
import type { OutboundClient } from '../../integrations/outbound-http';
import type { WarehouseAdapter } from './types';

/** `warehouseId → fulfillmentUrl`; `fresh` reads the catalog now, whatever the cache holds. */
export type WarehouseUrlOf = (warehouseId: string, opts?: { fresh?: boolean }) => Promise<string | undefined>;

/**
 * `warehouseId → fulfillmentUrl`, from the catalog, read at most once per `ttlMs` — except
 * that a warehouse the cached read does not know yet triggers a fresh read, so a warehouse
 * created with its URL is reached over HTTP from its first order, and a `fresh` call (a new
 * fulfillment's request) always reads: a URL set on an existing warehouse takes the very next
 * request, not one up to `ttlMs` later (fault run 7 sent its first orders' requests to the
 * simulated fallback, which then finished tasks the HTTP warehouse never got).
 */
export function cachedWarehouseUrls(list: () => Promise<Warehouse[]>, ttlMs = 5_000): WarehouseUrlOf {
  let cached: { at: number; urls: Promise<Map<string, string | null>> } | undefined;
  const read = () => {
    const urls = list().then((ws) => new Map(ws.map((w) => [w.id, w.fulfillmentUrl] as const)));
    cached = { at: Date.now(), urls };
    // A failed read is not cached: the activity fails, retries, and reads again.
    urls.catch(() => {
      if (cached?.urls === urls) cached = undefined;
    });
    return urls;
  };
  return async (warehouseId, opts) => {
    let urls = await (!opts?.fresh && cached && Date.now() - cached.at <= ttlMs ? cached.urls : read());
    if (!urls.has(warehouseId)) urls = await read();
    return urls.get(warehouseId) ?? undefined;
  };
}

export interface RoutingWarehouseOptions {
  fallback: WarehouseAdapter;
  urlOf: WarehouseUrlOf;
  secret: string | undefined;
  /** Each warehouse's own signing secrets (docs/design.md §20); INTEGRATION_SECRET signs for the others. */
  ownSecrets?: (warehouseId: string) => Promise<string[] | undefined>;
  /** The policed transport (config.outbound). */
  outbound?: OutboundClient;
  timeoutMs?: number;
}

export function routingWarehouse(opts: RoutingWarehouseOptions): WarehouseAdapter {
  const http = httpWarehouse({ secret: opts.secret, ownSecrets: opts.ownSecrets, urlOf: opts.urlOf, timeoutMs: opts.timeoutMs, outbound: opts.outbound });
  const pick = async (warehouseId: string | undefined, fresh = false): Promise<WarehouseAdapter> =>
    warehouseId !== undefined && (await opts.urlOf(warehouseId, { fresh })) ? http : opts.fallback;
  return {
    mode: opts.fallback.mode,
    createPickTask: async (req) => {
      // Which adapter took the task decides how its progress is learnt (an HTTP warehouse reports by event).
      const adapter = await pick(req.warehouseId, true);
      const created = await adapter.createPickTask(req);
      return { ...created, reportsByEvent: created.reportsByEvent ?? adapter.mode === 'manual' };
    },
    awaitPick: async (req, ctx) => (await pick(req.warehouseId)).awaitPick(req, ctx),
    pack: async (req, ctx) => (await pick(req.warehouseId)).pack(req, ctx),
    cancelPickTask: async (req) => (await pick(req.warehouseId)).cancelPickTask(req),
  };
}
