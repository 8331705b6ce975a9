import { manualCarrier, manualWarehouse } from '../activities/adapters';
import { cancelUpdate, eventUpdate, holdUpdate, INVALID_TRANSITION, releaseHoldUpdate } from '../workflows/order/messages';
import { UNKNOWN_HOLD } from '../domain/failure-types';
import { eventually, OrderSuite, orderInput, orderSuiteHooks, uid, updateRefusal } from './support/order-fixtures';
import { recordingAdapters } from './support/recording-adapters';
import type { HoldReason } from '../domain/types';

/** Holds stop an order where it is (stock stays held) and let it go on where it stopped. */
describe('order workflow · holds (manual mode)', () => {
  const adapters = recordingAdapters(manualWarehouse(), manualCarrier());
  const env = orderSuiteHooks((bundle) => OrderSuite.start({ name: 'wf-holds', bundle, warehouseMode: 'manual', carrierMode: 'manual', adapters }));
  const hold = (reason: HoldReason, extra: { until?: string; note?: string } = {}) => ({ holdId: `hold-${uid()}`, reason, ...extra });

  it('two holds: releasing one keeps it on hold, releasing the other picks up where it stopped', async () => {
    const { warehouses: [w1], skus: [a] } = await env.suite.seed({ warehouses: 1, skus: 1, stock: [[5]] });
    env.owned.push(a);
    const input = orderInput({ lines: [{ sku: a, quantity: 2 }] });
    const handle = await env.suite.startOrder(input);
    const picking = await env.suite.waitForStatus(handle, 'picking');
    const firstTask = picking.pickTaskId!;

    const fraud = hold('fraud_check', { note: 'card flagged' });
    const placed = await handle.executeUpdate(holdUpdate, { args: [fraud], updateId: fraud.holdId });
    expect(placed).toMatchObject({ holdId: fraud.holdId, reason: 'fraud_check', note: 'card flagged' });
    // The same Update id again places it once.
    await handle.executeUpdate(holdUpdate, { args: [fraud], updateId: fraud.holdId });
    const address = hold('address_verification');
    await handle.executeUpdate(holdUpdate, { args: [address] });

    const held = await env.suite.waitForStatus(handle, 'on_hold');
    expect(held.holds.filter((h) => !h.releasedAt).map((h) => h.reason).sort()).toEqual(['address_verification', 'fraud_check']);
    // The pick task is cancelled at the warehouse; the stock stays held.
    await eventually(async () => ((adapters.calls.cancelledTasks.get(input.orderId) ?? []).includes(firstTask) ? true : undefined));
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 5, reserved: 2 } });
    // An event for the cancelled task does not fit.
    expect((await updateRefusal(handle.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] }))).type).toBe(INVALID_TRANSITION);

    expect((await handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId: fraud.holdId }] })).status).toBe('on_hold');
    expect((await updateRefusal(handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId: 'hold-nope' }] }))).type).toBe(UNKNOWN_HOLD);
    await handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId: address.holdId }] });
    const again = await env.suite.waitForStatus(handle, 'picking');
    expect(again.pickTaskId).toBeDefined();
    expect(again.pickTaskId).not.toBe(firstTask);
    // The timeline has a note per hold placed and released; the status changes are these.
    const changes = again.history.map((h) => h.status).filter((st, i, all) => i === 0 || all[i - 1] !== st);
    expect(changes).toEqual(['received', 'reserved', 'picking', 'on_hold', 'reserved', 'picking']);
    const described = await handle.describe();
    expect(described.searchAttributes.HoldReasons).toBeUndefined();

    await handle.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] });
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'packed' }] });
    // From shipping on a hold is refused.
    const late = await updateRefusal(handle.executeUpdate(holdUpdate, { args: [hold('customer_request')] }));
    expect(late.type).toBe(INVALID_TRANSITION);
    expect(late.details).toEqual([{ status: 'shipping' }]);
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'shipped', carrier: 'DHL', trackingNumber: 'H1' }] });
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'delivered' }] });
    expect((await handle.result()).status).toBe('delivered');
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 3, reserved: 0 } });
  });

  it('a hold with until releases itself; the HoldReasons attribute is set while held', async () => {
    const { skus: [a] } = await env.suite.seed({ warehouses: 1, skus: 1, stock: [[5]] });
    env.owned.push(a);
    const handle = await env.suite.startOrder(orderInput({ lines: [{ sku: a, quantity: 1 }] }));
    await env.suite.waitForStatus(handle, 'picking');
    await handle.executeUpdate(holdUpdate, { args: [hold('payment', { until: new Date(Date.now() + 3_000).toISOString() })] });
    await eventually(async () => {
      const d = await handle.describe();
      return (d.searchAttributes.HoldReasons as string[] | undefined)?.includes('payment') ? true : undefined;
    });
    const back = await env.suite.waitForStatus(handle, 'picking', 20_000);
    expect(back.holds[0]).toMatchObject({ reason: 'payment', releasedBy: 'until' });
    await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'done' }] });
  });

  it('a hold kept past PICK_TIMEOUT does not time the order out; cancel on hold compensates', async () => {
    const { warehouses: [w1], skus: [a] } = await env.suite.seed({ warehouses: 1, skus: 1, stock: [[5]] });
    env.owned.push(a);
    const input = orderInput({ lines: [{ sku: a, quantity: 3 }], timeouts: { pickMs: 2_000 } });
    const handle = await env.suite.startOrder(input);
    await env.suite.waitForStatus(handle, 'picking');
    await handle.executeUpdate(holdUpdate, { args: [hold('inventory')] });
    await env.suite.waitForStatus(handle, 'on_hold');
    // Proving a deadline does not fire needs the time to pass: twice the pick deadline, on hold.
    await new Promise((r) => setTimeout(r, 4_000));
    const still = await env.suite.waitForStatus(handle, 'on_hold');
    expect(still.status).toBe('on_hold');
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 5, reserved: 3 } });
    const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'fraud confirmed' }] });
    expect(cancelled.status).toBe('cancelled');
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 5, reserved: 0 } });
  });
});
