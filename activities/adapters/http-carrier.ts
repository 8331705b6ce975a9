/**
 * The carrier reached over HTTP at CARRIER_URL (docs/design.md §10): labels are bought and voided
 * with signed messages; the carrier reports `shipped` (first scan) and `delivered` as events,
 * so the waits answer completed:false.
 */
import { AdapterRejectedError, type CarrierAdapter, type Label } from './types';
import type { OutboundClient } from '../../integrations/outbound-http';
import { answerJson, idField, postToPeer, requireSecret } from './http-peer';

export interface HttpCarrierOptions {
  url: string;
  secret: string | undefined;
  timeoutMs?: number;
  /** The policed transport (config.outbound). */
  outbound?: OutboundClient;
}

export function httpCarrier(opts: HttpCarrierOptions): CarrierAdapter {
  const peer = 'carrier';
  return {
    mode: 'manual',
    async buyLabel(req): Promise<Label> {
      const result = await postToPeer({
        url: opts.url,
        secret: requireSecret(opts.secret, peer, 'CARRIER_SECRET (or INTEGRATION_SECRET)'),
        peer,
        type: 'label.requested',
        key: req.key,
        timeoutMs: opts.timeoutMs,
        client: opts.outbound,
        body: {
          orderId: req.orderId,
          fulfillmentId: req.fulfillmentId,
          shipFrom: req.warehouseId,
          shipTo: req.address,
          shippingMethod: req.method,
          lines: (req.lines ?? req.allocations).map((l) => ({ sku: l.sku, quantity: l.quantity })),
        },
      });
      const json = answerJson(result);
      const label = { labelId: idField(json, 'labelId'), carrier: idField(json, 'carrier'), trackingNumber: idField(json, 'trackingNumber') };
      // The carrier said yes but not what: asking again gets the same answer, so it is for a person.
      if (!label.labelId || !label.carrier || !label.trackingNumber) {
        throw new AdapterRejectedError(`carrier answered label.requested with HTTP ${result.statusCode} but not {labelId, carrier, trackingNumber}`);
      }
      return label as Label;
    },
    async voidLabel(req) {
      await postToPeer({
        url: opts.url,
        secret: requireSecret(opts.secret, peer, 'CARRIER_SECRET (or INTEGRATION_SECRET)'),
        peer,
        type: 'label.voided',
        key: req.key,
        timeoutMs: opts.timeoutMs,
        client: opts.outbound,
        body: { orderId: req.orderId, fulfillmentId: req.fulfillmentId, labelId: req.labelId },
      });
    },
    async awaitPickup() {
      return { completed: false };
    },
    async awaitDelivery() {
      return { completed: false };
    },
  };
}
