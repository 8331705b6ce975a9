/**
 * A warehouse reached over HTTP at its `fulfillmentUrl` (docs/design.md §10): fulfillment requests
 * and cancellations are pushed as signed messages; picking and packing are reported back by
 * the warehouse as events (`POST /orders/:id/events` with the fulfillmentId), so the waits
 * answer completed:false.
 */
import { AdapterRejectedError, type WarehouseAdapter } from './types';
import type { OutboundClient } from '../../integrations/outbound-http';
import { answerJson, derivedId, idField, postToPeer, requireSecret } from './http-peer';

export interface HttpWarehouseOptions {
  /** INTEGRATION_SECRET: signs for the warehouses without a secret of their own. */
  secret: string | undefined;
  /** The warehouse's own secrets (current, then previous during its grace); undefined: none of its own (docs/design.md §20). */
  ownSecrets?: (warehouseId: string) => Promise<string[] | undefined>;
  /** The warehouse's current fulfillmentUrl (undefined: it has none). */
  urlOf: (warehouseId: string) => Promise<string | undefined>;
  timeoutMs?: number;
  /** The policed transport (config.outbound). */
  outbound?: OutboundClient;
}

export function httpWarehouse(opts: HttpWarehouseOptions): WarehouseAdapter {
  async function target(warehouseId: string | undefined): Promise<{ url: string; secret: string | string[]; peer: string; client?: OutboundClient }> {
    const peer = `warehouse ${warehouseId ?? '(unnamed)'}`;
    // Read at every send, so a new secret signs the next message.
    const own = warehouseId === undefined ? undefined : await opts.ownSecrets?.(warehouseId);
    const secret = own ?? requireSecret(opts.secret, `${peer} (it has no signing secret of its own: POST /warehouses/${warehouseId ?? ':id'}/signing-secret)`);
    const url = warehouseId === undefined ? undefined : await opts.urlOf(warehouseId);
    if (!url) throw new AdapterRejectedError(`${peer} has no fulfillmentUrl`);
    return { url, secret, peer, client: opts.outbound };
  }

  return {
    mode: 'manual',
    async createPickTask(req) {
      const t = await target(req.warehouseId);
      const result = await postToPeer({
        ...t,
        type: 'fulfillment.requested',
        key: req.key,
        timeoutMs: opts.timeoutMs,
        body: {
          orderId: req.orderId,
          fulfillmentId: req.fulfillmentId,
          warehouseId: req.warehouseId,
          lines: (req.lines ?? req.allocations).map((l) => ({ sku: l.sku, quantity: l.quantity })),
          shipTo: req.shipTo,
          shippingMethod: req.shippingMethod,
          requestedAt: req.requestedAt ?? new Date().toISOString(),
        },
      });
      // The warehouse's own task id when it gives one; else one from the key (the same on a repeat).
      return { taskId: idField(answerJson(result), 'taskId') ?? derivedId('WHTASK', req.key) };
    },
    async awaitPick() {
      return { completed: false };
    },
    async pack() {
      return { completed: false };
    },
    async cancelPickTask(req) {
      const t = await target(req.warehouseId);
      await postToPeer({
        ...t,
        type: 'fulfillment.cancelled',
        key: req.key,
        timeoutMs: opts.timeoutMs,
        body: { orderId: req.orderId, fulfillmentId: req.fulfillmentId, warehouseId: req.warehouseId, reason: req.reason ?? 'cancelled' },
      });
    },
  };
}
