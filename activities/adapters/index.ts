import type { AdapterMode } from '../../config/config';
import type { Warehouse } from '../../ledger/types';
import type { OutboundClient } from '../../integrations/outbound-http';
import { httpCarrier } from './http-carrier';
import { manualCarrier, manualWarehouse } from './manual';
import { cachedWarehouseUrls, routingWarehouse } from './routing-warehouse';
import { simulatedCarrier, simulatedWarehouse } from './simulated';
import type { CarrierAdapter, WarehouseAdapter } from './types';

export * from './types';
export { manualCarrier, manualWarehouse } from './manual';
export { simulatedCarrier, simulatedWarehouse } from './simulated';
export { httpWarehouse } from './http-warehouse';
export { httpCarrier } from './http-carrier';
export { cachedWarehouseUrls, routingWarehouse } from './routing-warehouse';
export { messageId } from './http-peer';

export function createWarehouseAdapter(mode: AdapterMode, simulatedDelayMs: number): WarehouseAdapter {
  return mode === 'simulated' ? simulatedWarehouse({ delayMs: simulatedDelayMs }) : manualWarehouse();
}

export function createCarrierAdapter(mode: AdapterMode, simulatedDelayMs: number): CarrierAdapter {
  return mode === 'simulated' ? simulatedCarrier({ delayMs: simulatedDelayMs }) : manualCarrier();
}

/** The worker's warehouse adapter: HTTP for warehouses with a fulfillmentUrl, `mode` for the others. */
export function createRoutedWarehouseAdapter(opts: {
  mode: AdapterMode;
  simulatedDelayMs: number;
  listWarehouses: () => Promise<Warehouse[]>;
  secret: string | undefined;
  ownSecrets?: (warehouseId: string) => Promise<string[] | undefined>;
  catalogTtlMs?: number;
  outbound?: OutboundClient;
}): WarehouseAdapter {
  return routingWarehouse({
    fallback: createWarehouseAdapter(opts.mode, opts.simulatedDelayMs),
    urlOf: cachedWarehouseUrls(opts.listWarehouses, opts.catalogTtlMs),
    secret: opts.secret,
    ownSecrets: opts.ownSecrets,
    outbound: opts.outbound,
  });
}

/** The worker's carrier adapter: HTTP when CARRIER_URL is set, else `mode`. */
export function createConfiguredCarrierAdapter(opts: { mode: AdapterMode; simulatedDelayMs: number; url?: string; secret: string | undefined; outbound?: OutboundClient }): CarrierAdapter {
  return opts.url ? httpCarrier({ url: opts.url, secret: opts.secret, outbound: opts.outbound }) : createCarrierAdapter(opts.mode, opts.simulatedDelayMs);
}
