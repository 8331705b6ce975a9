/**
 * A warehouse service and a carrier on loopback (bench/peer-server: every message verified with
 * the Standard Webhooks verifier) and an OrderSuite whose worker reaches them, for the HTTP
 * integration suites.
 */
import { generateSecret } from '../../integrations/signed-post';
import { startPeerServer, type PeerMessage, type PeerServer } from '../../bench/peer-server';
import { eventUpdate } from '../../workflows/order/messages';
import type { OrderEvent } from '../../domain/types';
import type { OrderHandle } from './order-fixtures';

export interface Peers {
  secret: string;
  warehouse: PeerServer;
  carrier: PeerServer;
  close(): Promise<void>;
}

/** The carrier answers every label.requested with a label derived from the fulfillment. */
export async function startPeers(): Promise<Peers> {
  const secret = generateSecret();
  const [warehouse, carrier] = await Promise.all([startPeerServer(secret), startPeerServer(secret)]);
  carrier.respond = (m) =>
    m.type === 'label.requested'
      ? { status: 200, json: { labelId: `LBL-${String(m.body.fulfillmentId)}`, carrier: 'TestPost', trackingNumber: `TRK-${String(m.body.fulfillmentId)}` } }
      : { status: 204 };
  return { secret, warehouse, carrier, close: async () => void (await Promise.all([warehouse.close(), carrier.close()])) };
}

/** Where the warehouse `id` is reached: one server, a path per warehouse. */
export const warehouseUrl = (peers: Peers, id: string): string => `${peers.warehouse.url}/wms/${id}`;

export const forOrder = (orderId: string) => (m: PeerMessage) => m.body.orderId === orderId;

export function event(handle: OrderHandle, fulfillmentId: string, e: { type: OrderEvent['type'] } & Record<string, unknown>) {
  return handle.executeUpdate(eventUpdate, { args: [{ ...e, fulfillmentId } as unknown as OrderEvent] });
}
