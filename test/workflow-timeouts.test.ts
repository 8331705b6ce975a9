import { manualCarrier, manualWarehouse, simulatedCarrier, simulatedWarehouse } from '../activities/adapters';
import { DELIVERY_TIMEOUT, PICK_FAILED } from '../domain/failure-types';
import { cancelUpdate, eventUpdate, INVALID_TRANSITION, retryUpdate } from '../workflows/order/messages';
import type { OrderStatus, OrderView } from '../domain/types';
import { OrderSuite, historyEventTypes, orderInput, orderSuiteHooks, updateRefusal } from './support/order-fixtures';
import { recordingAdapters } from './support/recording-adapters';

/** Workflow time between entering two statuses (history entries carry workflow time). */
function spent(history: OrderView['history'], from: OrderStatus, to: OrderStatus): number {
  const at = (s: OrderStatus) => Date.parse(history.find((h) => h.status === s)!.at);
  return at(to) - at(from);
}

/** Each deadline is measured from entering its status; short ones come from input.timeouts. */
describe('order workflow · timeouts', () => {
  const adapters = recordingAdapters(manualWarehouse(), manualCarrier());
  const { calls } = adapters;
  const env = orderSuiteHooks((bundle) => OrderSuite.start({ name: 'wf-timeouts', bundle, warehouseMode: 'manual', carrierMode: 'manual', adapters }));
  const SHORT = 800;

  async function seed(stock: number) {
    const { warehouses: [w1], skus: [a] } = await env.suite.seed({ warehouses: 1, skus: 1, stock: [[stock]] });
    env.owned.push(a);
    return { w1, a };
  }

  it('BACKORDER_TIMEOUT releases the partial holds → timed_out', async () => {
    const { w1, a } = await seed(2);
    const input = orderInput({ lines: [{ sku: a, quantity: 5 }], timeouts: { backorderMs: SHORT } });
    const handle = await env.suite.startOrder(input);
    await env.suite.waitForStatus(handle, 'awaiting_stock');
    const view = await handle.result();
    expect(view.status).toBe('timed_out');
    expect(view.history.map((h) => h.status)).toEqual(['received', 'awaiting_stock', 'timed_out']);
    expect(spent(view.history, 'awaiting_stock', 'timed_out')).toBeGreaterThanOrEqual(SHORT);
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 2, reserved: 0 } });
    expect(await env.suite.heldUnits(input.orderId)).toBe(0);
  });

  it('PICK_TIMEOUT cancels the pick task and releases → timed_out', async () => {
    const { w1, a } = await seed(4);
    const input = orderInput({ lines: [{ sku: a, quantity: 3 }], timeouts: { pickMs: SHORT } });
    const handle = await env.suite.startOrder(input);
    const picking = await env.suite.waitForStatus(handle, 'picking');
    const view = await handle.result();
    expect(view.status).toBe('timed_out');
    expect(spent(view.history, 'picking', 'timed_out')).toBeGreaterThanOrEqual(SHORT);
    expect(calls.cancelledTasks.get(input.orderId)).toEqual([picking.pickTaskId]);
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 4, reserved: 0 } });
  });

  it('PACK_TIMEOUT is measured from entering packing, then releases → timed_out', async () => {
    const { w1, a } = await seed(4);
    const input = orderInput({ lines: [{ sku: a, quantity: 3 }], timeouts: { packMs: SHORT } });
    const handle = await env.suite.startOrder(input);
    await env.suite.waitForStatus(handle, 'picking');
    expect((await handle.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] })).status).toBe('packing');
    const view = await handle.result();
    expect(view.status).toBe('timed_out');
    expect(view.history.map((h) => h.status)).toEqual(['received', 'reserved', 'picking', 'packing', 'timed_out']);
    expect(spent(view.history, 'packing', 'timed_out')).toBeGreaterThanOrEqual(SHORT);
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 4, reserved: 0 } });
  });

  it('DELIVERY_TIMEOUT parks a shipped order in needs_attention; nothing is released; a late delivery closes it', async () => {
    const { w1, a } = await seed(4);
    const input = orderInput({ lines: [{ sku: a, quantity: 1 }], timeouts: { deliveryMs: SHORT } });
    const handle = await env.suite.startOrder(input);
    await env.suite.waitForStatus(handle, 'picking');
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] });
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'packed' }] });
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'shipped', carrier: 'UPS', trackingNumber: '1Z999' }] });
    const parked = await env.suite.waitForStatus(handle, 'needs_attention');
    expect(parked.failedStep).toBe('deliver');
    expect(parked.lastError).toMatchObject({ step: 'deliver', type: DELIVERY_TIMEOUT });
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 3, reserved: 0 } });
    // Shipped goods cannot be cancelled, even from needs_attention.
    const refused = await updateRefusal(handle.executeUpdate(cancelUpdate, { args: [{ reason: 'lost?' }] }));
    expect(refused.type).toBe(INVALID_TRANSITION);
    expect(refused.details).toEqual([{ status: 'needs_attention' }]);

    expect((await handle.executeUpdate(eventUpdate, { args: [{ type: 'delivered' }] })).status).toBe('delivered');
    expect((await handle.result()).status).toBe('delivered');
  });

  it('after DELIVERY_TIMEOUT, retry waits for the delivery again', async () => {
    const { w1, a } = await seed(4);
    const input = orderInput({ lines: [{ sku: a, quantity: 2 }], timeouts: { deliveryMs: SHORT } });
    const handle = await env.suite.startOrder(input);
    await env.suite.waitForStatus(handle, 'picking');
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] });
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'packed' }] });
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'shipped', carrier: 'UPS', trackingNumber: '1Z998' }] });
    await env.suite.waitForStatus(handle, 'needs_attention');
    expect((await handle.executeUpdate(retryUpdate)).status).toBe('shipped');
    expect((await handle.executeUpdate(eventUpdate, { args: [{ type: 'delivered' }] })).status).toBe('delivered');
    const view = await handle.result();
    expect(view.history.map((h) => h.status)).toEqual([
      'received', 'reserved', 'picking', 'packing', 'shipping', 'shipped', 'needs_attention', 'shipped', 'delivered',
    ]);
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 2, reserved: 0 } });
  });

  it('ATTENTION_TIMEOUT cancels with compensation', async () => {
    const { w1, a } = await seed(4);
    const input = orderInput({ lines: [{ sku: a, quantity: 2 }], timeouts: { attentionMs: SHORT } });
    const handle = await env.suite.startOrder(input);
    const picking = await env.suite.waitForStatus(handle, 'picking');
    const parked = await handle.executeUpdate(eventUpdate, { args: [{ type: 'pick_failed', reason: 'shelf empty' }] });
    expect(parked.status).toBe('needs_attention');
    expect(parked.lastError).toMatchObject({ step: 'pick', type: PICK_FAILED, message: 'shelf empty' });
    expect(await env.suite.heldUnits(input.orderId)).toBe(2); // what was done is kept
    const view = await handle.result();
    expect(view.status).toBe('cancelled');
    expect(view.cancelReason).toMatch(/attention timeout/);
    expect(calls.cancelledTasks.get(input.orderId)).toEqual([picking.pickTaskId]);
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 4, reserved: 0 } });
  });
});

/**
 * Simulated adapters slower than the deadline: while the wait activity runs, its
 * schedule-to-close timeout is the deadline (no workflow timer), and the outcome is the same
 * as with a timer.
 */
describe('order workflow · timeouts while a simulated step still runs', () => {
  const adapters = recordingAdapters(simulatedWarehouse({ delayMs: 60_000 }), simulatedCarrier({ delayMs: 0 }));
  const { calls } = adapters;
  const env = orderSuiteHooks((bundle) => OrderSuite.start({ name: 'wf-timeouts-sim', bundle, adapters }));
  const SHORT = 800;

  it('PICK_TIMEOUT passes while the simulated pick runs: pick task cancelled, units released → timed_out', async () => {
    const { warehouses: [w1], skus: [a] } = await env.suite.seed({ warehouses: 1, skus: 1, stock: [[4]] });
    env.owned.push(a);
    const input = orderInput({ lines: [{ sku: a, quantity: 3 }], timeouts: { pickMs: SHORT } });
    const handle = await env.suite.startOrder(input);
    const picking = await env.suite.waitForStatus(handle, 'picking');
    const view = await handle.result();
    expect(view.status).toBe('timed_out');
    expect(view.history.map((h) => h.status)).toEqual(['received', 'reserved', 'picking', 'timed_out']);
    expect(spent(view.history, 'picking', 'timed_out')).toBeGreaterThanOrEqual(SHORT);
    expect(calls.cancelledTasks.get(input.orderId)).toEqual([picking.pickTaskId]);
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 4, reserved: 0 } });
    const types = await historyEventTypes(handle);
    expect(types).toContain('ACTIVITY_TASK_TIMED_OUT');
    expect(types).not.toContain('TIMER_STARTED');
  });

  it('PICK_TIMEOUT with a pick wait that keeps failing: the server stops retrying before the deadline, the order still ends timed_out at it', async () => {
    // Retries at 1 s, 2 s, …: after the second failure (~1 s) the next attempt would start
    // after the 1.5 s deadline, so the server gives up early (retry state TIMEOUT).
    const failing = await OrderSuite.start({
      name: 'wf-timeouts-sim-failing',
      bundle: env.bundle,
      adapters: {
        warehouse: {
          ...simulatedWarehouse({ delayMs: 0 }),
          awaitPick: async () => {
            throw new Error('warehouse API unreachable');
          },
        },
      },
    });
    try {
      const { warehouses: [w1], skus: [a] } = await failing.seed({ warehouses: 1, skus: 1, stock: [[4]] });
      const input = orderInput({ lines: [{ sku: a, quantity: 2 }], timeouts: { pickMs: 1_500 } });
      const handle = await failing.startOrder(input);
      const view = await handle.result();
      expect(view.status).toBe('timed_out');
      expect(view.history.map((h) => h.status)).toEqual(['received', 'reserved', 'picking', 'timed_out']);
      expect(spent(view.history, 'picking', 'timed_out')).toBeGreaterThanOrEqual(1_500);
      expect(await failing.levels(a)).toEqual({ [w1]: { onHand: 4, reserved: 0 } });
      const types = await historyEventTypes(handle);
      expect(types).toContain('ACTIVITY_TASK_FAILED');
      expect(types).toContain('TIMER_STARTED'); // the rest of the deadline, after the server gave up
      expect((await failing.reconcile([a])).problems).toEqual([]);
    } finally {
      await failing.stop();
    }
  });

  it('a pick that ends before its deadline leaves no timer behind, and the order is delivered', async () => {
    const fast = await OrderSuite.start({ name: 'wf-timeouts-sim-fast', bundle: env.bundle, simulatedDelayMs: 50 });
    try {
      const { warehouses: [w1], skus: [a] } = await fast.seed({ warehouses: 1, skus: 1, stock: [[4]] });
      const input = orderInput({ lines: [{ sku: a, quantity: 1 }], timeouts: { pickMs: 30_000, packMs: 30_000, deliveryMs: 30_000 } });
      const handle = await fast.startOrder(input);
      expect((await handle.result()).status).toBe('delivered');
      expect(await fast.levels(a)).toEqual({ [w1]: { onHand: 3, reserved: 0 } });
      const types = await historyEventTypes(handle);
      expect(types).not.toContain('TIMER_STARTED');
      expect(types).not.toContain('ACTIVITY_TASK_TIMED_OUT');
      expect((await fast.reconcile([a])).problems).toEqual([]);
    } finally {
      await fast.stop();
    }
  });
});
