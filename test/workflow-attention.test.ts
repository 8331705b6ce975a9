import { AdapterRejectedError, manualWarehouse, simulatedCarrier } from '../activities/adapters';
import { ADAPTER_REJECTED, PICK_FAILED } from '../domain/failure-types';
import { cancelUpdate, eventUpdate, retrySignal, retryUpdate } from '../workflows/order/messages';
import { OrderSuite, orderInput, orderSuiteHooks } from './support/order-fixtures';
import { recordingAdapters } from './support/recording-adapters';

/** A step that failed for good parks the order in needs_attention; retry re-runs it, cancel compensates. */
describe('order workflow · needs_attention and retry', () => {
  /** orderId → how createPickTask misbehaves on its first call. */
  const firstPickTaskCall = new Map<string, 'reject' | 'crash'>();
  const adapters = recordingAdapters(manualWarehouse(), simulatedCarrier({ delayMs: 30 }), {
    beforeCreatePickTask: async (orderId, attempt) => {
      const mode = firstPickTaskCall.get(orderId);
      if (attempt === 1 && mode === 'reject') throw new AdapterRejectedError('warehouse refuses: bin locked for inventory count');
      if (attempt === 1 && mode === 'crash') throw new Error('ECONNRESET talking to the WMS');
    },
  });
  const { calls } = adapters;
  const env = orderSuiteHooks((bundle) => OrderSuite.start({ name: 'wf-attention', bundle, warehouseMode: 'manual', carrierMode: 'simulated', adapters }));

  async function seed(stock: number) {
    const { warehouses: [w1], skus: [a] } = await env.suite.seed({ warehouses: 1, skus: 1, stock: [[stock]] });
    env.owned.push(a);
    return { w1, a };
  }

  it('pick_failed → needs_attention → retry → a new pick task → delivered', async () => {
    const { w1, a } = await seed(5);
    const input = orderInput({ lines: [{ sku: a, quantity: 2 }] });
    const handle = await env.suite.startOrder(input);
    const first = await env.suite.waitForStatus(handle, 'picking');

    const parked = await handle.executeUpdate(eventUpdate, { args: [{ type: 'pick_failed', reason: 'item damaged' }] });
    expect(parked).toMatchObject({ status: 'needs_attention', failedStep: 'pick', lastError: { step: 'pick', type: PICK_FAILED, message: 'item damaged' } });
    // The repeat is a no-op; what was done is kept.
    expect((await handle.executeUpdate(eventUpdate, { args: [{ type: 'pick_failed', reason: 'item damaged' }] })).status).toBe('needs_attention');
    expect(await env.suite.heldUnits(input.orderId)).toBe(2);

    const retried = await handle.executeUpdate(retryUpdate);
    expect(['reserved', 'picking']).toContain(retried.status);
    const second = await env.suite.waitForStatus(handle, 'picking');
    expect(second.pickTaskId).not.toBe(first.pickTaskId);
    expect(calls.cancelledTasks.get(input.orderId)).toEqual([first.pickTaskId]);

    await handle.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] });
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'packed' }] });
    const view = await handle.result();
    expect(view.status).toBe('delivered');
    expect(view.history.map((h) => h.status)).toEqual([
      'received', 'reserved', 'picking', 'needs_attention', 'reserved', 'picking', 'packing', 'shipping', 'shipped', 'delivered',
    ]);
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 3, reserved: 0 } });
  });

  it('an activity refused for good parks the order without retries; retry (signal) re-runs the step', async () => {
    const { w1, a } = await seed(5);
    const input = orderInput({ lines: [{ sku: a, quantity: 1 }] });
    firstPickTaskCall.set(input.orderId, 'reject');
    const handle = await env.suite.startOrder(input);
    const parked = await env.suite.waitForStatus(handle, 'needs_attention');
    expect(parked).toMatchObject({ failedStep: 'pick', lastError: { step: 'pick', type: ADAPTER_REJECTED } });
    expect(parked.lastError?.message).toContain('bin locked');
    expect(parked.pickTaskId).toBeUndefined();

    await handle.signal(retrySignal);
    await env.suite.waitForStatus(handle, 'picking');
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] });
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'packed' }] });
    expect((await handle.result()).status).toBe('delivered');
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 4, reserved: 0 } });
  });

  it('cancel from needs_attention compensates', async () => {
    const { w1, a } = await seed(5);
    const input = orderInput({ lines: [{ sku: a, quantity: 3 }] });
    firstPickTaskCall.set(input.orderId, 'reject');
    const handle = await env.suite.startOrder(input);
    await env.suite.waitForStatus(handle, 'needs_attention');
    expect(await env.suite.heldUnits(input.orderId)).toBe(3);
    const view = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'give up' }] });
    expect(view.status).toBe('cancelled');
    expect(view.lastError?.type).toBe(ADAPTER_REJECTED);
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 5, reserved: 0 } });
  });

  it('an infrastructure error is retried with backoff and never reaches needs_attention', async () => {
    const { a } = await seed(5);
    const input = orderInput({ lines: [{ sku: a, quantity: 1 }] });
    firstPickTaskCall.set(input.orderId, 'crash');
    const handle = await env.suite.startOrder(input);
    const picking = await env.suite.waitForStatus(handle, 'picking');
    expect(picking.history.map((h) => h.status)).toEqual(['received', 'reserved', 'picking']);
    expect(picking.lastError).toBeUndefined();
    await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'test done' }] });
  });
});
