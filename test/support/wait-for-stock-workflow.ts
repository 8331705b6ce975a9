/** A stand-in for an order awaiting stock: completes with the SKU of the first stockArrived signal. */
import { condition, setHandler } from '@temporalio/workflow';
import { stockArrivedSignal } from '../../workflows/order/messages';

export async function waitForStock(): Promise<string> {
  let sku: string | undefined;
  setHandler(stockArrivedSignal, (arrival) => {
    sku ??= arrival.sku;
  });
  await condition(() => sku !== undefined);
  return sku!;
}
