import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { manualCarrier, manualWarehouse, simulatedCarrier } from '../activities/adapters';
import { LedgerError } from '../ledger/errors';
import type { Ledger } from '../ledger/types';
import { cancelSignal, cancelUpdate, eventUpdate, INVALID_TRANSITION, statusQuery } from '../workflows/order/messages';
import { OrderSuite, bundleWorkflows, eventually, orderInput, orderSuiteHooks, updateRefusal } from './support/order-fixtures';
import { Gate, recordingAdapters, type AdapterCalls } from './support/recording-adapters';

/**
 * Cancel in every status where it is allowed leaves exactly the order's units available
 * again; the pick task is cancelled and the label voided when there is one.
 */
describe('order workflow · cancel and compensation', () => {
  const reserveGates = new Map<string, Gate>();
  const pickTaskGates = new Map<string, Gate>();
  const shipGates = new Map<string, Gate>();
  /** Orders whose first ledger.ship applies and then reports a failure (a lost answer). */
  const shipAnswerLost = new Set<string>();
  const adapters = recordingAdapters(manualWarehouse(), manualCarrier(), {
    beforeCreatePickTask: async (orderId) => pickTaskGates.get(orderId)?.wait(),
  });
  const { calls } = adapters;
  const env = orderSuiteHooks((bundle) =>
    OrderSuite.start({
      name: 'wf-cancel',
      bundle,
      warehouseMode: 'manual',
      carrierMode: 'manual',
      adapters,
      wrapLedger: (ledger): Ledger => ({
        ...ledger,
        reserve: async (orderId, lines, key) => {
          await reserveGates.get(orderId)?.wait();
          return ledger.reserve(orderId, lines, key);
        },
        ship: async (orderId, key) => {
          await shipGates.get(orderId)?.wait();
          const result = await ledger.ship(orderId, key);
          if (shipAnswerLost.delete(orderId)) throw new LedgerError('INVALID_QUANTITY', 'answer lost after the commit applied');
          return result;
        },
      }),
    }),
  );

  async function seededOrder(stock: number, quantity: number) {
    const { warehouses: [w1], skus: [a, b] } = await env.suite.seed({ warehouses: 1, skus: 2, stock: [[stock, 4]] });
    env.owned.push(a, b);
    const input = orderInput({ lines: [{ sku: a, quantity }, { sku: b, quantity: 1 }] });
    return { w1, a, b, input };
  }

  async function expectAllAvailable(orderId: string, w1: string, a: string, aStock: number, b: string) {
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: aStock, reserved: 0 } });
    expect(await env.suite.levels(b)).toEqual({ [w1]: { onHand: 4, reserved: 0 } });
    expect(await env.suite.heldUnits(orderId)).toBe(0);
  }

  it('in received: the cancel waits for the in-flight reservation, then releases it', async () => {
    const { w1, a, b, input } = await seededOrder(5, 2);
    const gate = new Gate();
    reserveGates.set(input.orderId, gate);
    const handle = await env.suite.startOrder(input);
    await gate.reached;
    expect((await env.suite.waitForStatus(handle, 'received')).status).toBe('received');

    // Accepted while the reservation is in flight; the workflow finishes the step, then compensates.
    const cancelled = handle.executeUpdate(cancelUpdate, { args: [{ reason: 'customer asked' }] });
    const second = await updateRefusal(handle.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] }));
    expect(second.type).toBe(INVALID_TRANSITION);
    gate.open();
    const view = await cancelled;
    expect(view.status).toBe('cancelled');
    expect(view.cancelReason).toBe('customer asked');
    expect(view.allocations).toEqual([]);
    await expectAllAvailable(input.orderId, w1, a, 5, b);
    expect((await env.suite.ledger.reservations(input.orderId)).map((r) => r.status)).toEqual(['released', 'released']);
    expect((await handle.result()).status).toBe('cancelled');
  });

  it('in awaiting_stock: partial holds are released', async () => {
    const { w1, a, b, input } = await seededOrder(1, 3);
    const handle = await env.suite.startOrder(input);
    await env.suite.waitForStatus(handle, 'awaiting_stock');
    expect(await env.suite.heldUnits(input.orderId)).toBe(2);
    const view = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'too slow' }] });
    expect(view.status).toBe('cancelled');
    await expectAllAvailable(input.orderId, w1, a, 1, b);
  });

  it('in reserved: the pick task being created is cancelled once it exists', async () => {
    const { w1, a, b, input } = await seededOrder(5, 2);
    const gate = new Gate();
    pickTaskGates.set(input.orderId, gate);
    const handle = await env.suite.startOrder(input);
    await gate.reached;
    await env.suite.waitForStatus(handle, 'reserved');
    const cancelled = handle.executeUpdate(cancelUpdate, { args: [{ reason: 'fraud' }] });
    gate.open();
    expect((await cancelled).status).toBe('cancelled');
    expect(calls.cancelledTasks.get(input.orderId)).toEqual(calls.pickTasks.get(input.orderId));
    await expectAllAvailable(input.orderId, w1, a, 5, b);
  });

  it('in picking: pick task cancelled, stock released', async () => {
    const { w1, a, b, input } = await seededOrder(5, 2);
    const handle = await env.suite.startOrder(input);
    const picking = await env.suite.waitForStatus(handle, 'picking');
    const view = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'duplicate order' }] });
    expect(view.status).toBe('cancelled');
    expect(calls.cancelledTasks.get(input.orderId)).toEqual([picking.pickTaskId]);
    await expectAllAvailable(input.orderId, w1, a, 5, b);
    // Terminal: refused with the status while the workflow closes, by Temporal once it is closed
    // (the API then answers from the status query).
    const again = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'again' }] }).then(
      () => undefined,
      (err: unknown) => err,
    );
    if (again instanceof WorkflowUpdateFailedError) {
      expect(again.cause).toMatchObject({ type: INVALID_TRANSITION, details: [{ status: 'cancelled' }] });
    } else {
      expect(String(again)).toMatch(/already completed/);
    }
  });

  it('in packing (by signal, as from the Temporal UI): compensates the same way', async () => {
    const { w1, a, b, input } = await seededOrder(5, 2);
    const handle = await env.suite.startOrder(input);
    await env.suite.waitForStatus(handle, 'picking');
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] });
    await handle.signal(cancelSignal, { reason: 'ops' });
    const view = await handle.result();
    expect(view.status).toBe('cancelled');
    expect(view.cancelReason).toBe('ops');
    expect(view.history.map((h) => h.status)).toEqual(['received', 'reserved', 'picking', 'packing', 'cancelled']);
    expect(calls.cancelledTasks.get(input.orderId)).toHaveLength(1);
    await expectAllAvailable(input.orderId, w1, a, 5, b);
  });

  it('in shipping: committed units go back on hand', async () => {
    const { w1, a, b, input } = await seededOrder(5, 2);
    const handle = await env.suite.startOrder(input);
    await env.suite.waitForStatus(handle, 'picking');
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] });
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'packed' }] });
    await eventually(async () => ((await env.suite.levels(a))[w1].onHand === 3 ? true : undefined));
    const view = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'address wrong' }] });
    expect(view.status).toBe('cancelled');
    await expectAllAvailable(input.orderId, w1, a, 5, b);
  });

  it('in shipping after the carrier took the parcel: cancel refused, nothing put back', async () => {
    const { w1, a, b, input } = await seededOrder(5, 2);
    const gate = new Gate();
    shipGates.set(input.orderId, gate);
    const handle = await env.suite.startOrder(input);
    await env.suite.waitForStatus(handle, 'picking');
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] });
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'packed' }] });
    await gate.reached; // committing stock is in flight

    const shipped = handle.executeUpdate(eventUpdate, { args: [{ type: 'shipped', carrier: 'DHL', trackingNumber: 'T-1' }] });
    await eventually(async () => ((await handle.query(statusQuery)).status === 'shipping' ? true : undefined));
    // The goods left: from now on the order can no longer be cancelled, even before the
    // workflow has finished the commit.
    const refusal = await eventually(async () => {
      const failure = await updateRefusal(handle.executeUpdate(cancelUpdate, { args: [{ reason: 'too late' }] })).catch(() => undefined);
      return failure;
    });
    expect(refusal.type).toBe(INVALID_TRANSITION);
    gate.open();
    expect((await shipped).status).toBe('shipped');
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 3, reserved: 0 } });
    expect(await env.suite.levels(b)).toEqual({ [w1]: { onHand: 3, reserved: 0 } });
    expect(await env.suite.heldUnits(input.orderId)).toBe(0);
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'delivered' }] });
    expect((await handle.result()).status).toBe('delivered');
  });

  it('in needs_attention after a commit whose answer was lost: cancel still puts the units back', async () => {
    const { w1, a, b, input } = await seededOrder(5, 2);
    shipAnswerLost.add(input.orderId);
    const handle = await env.suite.startOrder(input);
    await env.suite.waitForStatus(handle, 'picking');
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] });
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'packed' }] });
    const parked = await env.suite.waitForStatus(handle, 'needs_attention');
    expect(parked.failedStep).toBe('ship');
    expect((await env.suite.levels(a))[w1].onHand).toBe(3); // the ledger did ship them

    const view = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'give up' }] });
    expect(view.status).toBe('cancelled');
    await expectAllAvailable(input.orderId, w1, a, 5, b);
  });

  it('workflow cancellation from the Temporal client compensates and closes as Canceled', async () => {
    const { w1, a, b, input } = await seededOrder(5, 2);
    const handle = await env.suite.startOrder(input);
    const picking = await env.suite.waitForStatus(handle, 'picking');
    await handle.cancel();
    const failure = await handle.result().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const view = await env.suite.waitForStatus(handle, 'cancelled');
    expect(view.cancelReason).toBe('workflow cancellation requested');
    expect(calls.cancelledTasks.get(input.orderId)).toEqual([picking.pickTaskId]);
    await expectAllAvailable(input.orderId, w1, a, 5, b);
  });
});

describe('order workflow · cancel voids a bought label', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let suite: OrderSuite;
  let calls: AdapterCalls;

  beforeAll(async () => {
    bundle = await bundleWorkflows();
    // The simulated carrier buys a label at once but takes a minute to collect the parcel.
    const adapters = recordingAdapters(manualWarehouse(), simulatedCarrier({ delayMs: 60_000 }));
    calls = adapters.calls;
    suite = await OrderSuite.start({ name: 'wf-cancel-label', bundle, warehouseMode: 'manual', carrierMode: 'simulated', adapters });
  });
  afterAll(async () => {
    await suite?.stop();
  });

  it('in shipping with a label: label voided, units back on hand', async () => {
    const { warehouses: [w1], skus: [a] } = await suite.seed({ warehouses: 1, skus: 1, stock: [[6]] });
    const input = orderInput({ lines: [{ sku: a, quantity: 2 }] });
    const handle = await suite.startOrder(input);
    await suite.waitForStatus(handle, 'picking');
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] });
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'packed' }] });
    const shipping = await eventually(async () => {
      const v = await handle.query(statusQuery);
      return v.shipment?.labelId && (await suite.levels(a))[w1].onHand === 4 ? v : undefined;
    });
    const view = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'carrier strike' }] });
    expect(view.status).toBe('cancelled');
    expect(calls.voidedLabels.get(input.orderId)).toEqual([shipping.shipment!.labelId]);
    expect(await suite.levels(a)).toEqual({ [w1]: { onHand: 6, reserved: 0 } });
    expect((await suite.reconcile([a])).problems).toEqual([]);
  });
});
