import type { AdapterMode } from '../../config/config';
import { manualCarrier, manualWarehouse } from './manual';
import { simulatedCarrier, simulatedWarehouse } from './simulated';
import type { CarrierAdapter, WarehouseAdapter } from './types';

export * from './types';
export { manualCarrier, manualWarehouse } from './manual';
export { simulatedCarrier, simulatedWarehouse } from './simulated';

export function createWarehouseAdapter(mode: AdapterMode, simulatedDelayMs: number): WarehouseAdapter {
  return mode === 'simulated' ? simulatedWarehouse({ delayMs: simulatedDelayMs }) : manualWarehouse();
}

export function createCarrierAdapter(mode: AdapterMode, simulatedDelayMs: number): CarrierAdapter {
  return mode === 'simulated' ? simulatedCarrier({ delayMs: simulatedDelayMs }) : manualCarrier();
}
