import { cancelUpdate, eventUpdate, INVALID_TRANSITION } from '../workflows/order/messages';
import { FULFILLMENT_REQUIRED, UNKNOWN_FULFILLMENT } from '../domain/failure-types';
import { OrderSuite, orderInput, orderSuiteHooks, updateRefusal } from './support/order-fixtures';
import { recordingAdapters } from './support/recording-adapters';
import { manualCarrier, manualWarehouse } from '../activities/adapters';

/** A split order ships as one parcel per warehouse; a rejected fulfillment re-routes its units. */
describe('order workflow · fulfillments (manual mode)', () => {
  const adapters = recordingAdapters(manualWarehouse(), manualCarrier());
  const env = orderSuiteHooks((bundle) =>
    OrderSuite.start({ name: 'wf-fulfil', bundle, warehouseMode: 'manual', carrierMode: 'manual', adapters }),
  );

  it('ships a split order as two parcels, each warehouse losing its own lines; delivered only when both are', async () => {
    // w1 has only a, w2 has only b: no single warehouse fills the order.
    const { warehouses: [w1, w2], skus: [a, b] } = await env.suite.seed({ warehouses: 2, skus: 2, stock: [[5, 0], [0, 4]] });
    env.owned.push(a, b);
    const input = orderInput({ lines: [{ sku: a, quantity: 2 }, { sku: b, quantity: 3 }] });
    const handle = await env.suite.startOrder(input);
    const picking = await env.suite.waitForStatus(handle, 'picking');
    expect(picking.fulfillments).toHaveLength(2);
    const byWarehouse = Object.fromEntries(picking.fulfillments.map((f) => [f.warehouseId, f]));
    expect(byWarehouse[w1]).toMatchObject({ status: 'picking', lines: [{ sku: a, quantity: 2 }] });
    expect(byWarehouse[w2]).toMatchObject({ status: 'picking', lines: [{ sku: b, quantity: 3 }] });
    expect(byWarehouse[w1].pickTaskId).not.toBe(byWarehouse[w2].pickTaskId);

    // Several active fulfillments: an event must name one.
    const unnamed = await updateRefusal(handle.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] }));
    expect(unnamed.type).toBe(FULFILLMENT_REQUIRED);
    const unknown = await updateRefusal(handle.executeUpdate(eventUpdate, { args: [{ type: 'picked', fulfillmentId: 'nope' }] }));
    expect(unknown.type).toBe(UNKNOWN_FULFILLMENT);

    const f1 = byWarehouse[w1].fulfillmentId;
    const f2 = byWarehouse[w2].fulfillmentId;
    const ev = (fulfillmentId: string, e: object) => handle.executeUpdate(eventUpdate, { args: [{ fulfillmentId, ...e } as never] });
    // The order is as far as its least advanced parcel.
    expect((await ev(f1, { type: 'picked' })).status).toBe('picking');
    expect((await ev(f1, { type: 'packed' })).status).toBe('picking');
    expect((await ev(f1, { type: 'shipped', carrier: 'DHL', trackingNumber: 'T-1' })).status).toBe('picking');
    // A parcel has left: cancel is refused.
    const late = await updateRefusal(handle.executeUpdate(cancelUpdate, { args: [{ reason: 'too late' }] }));
    expect(late.type).toBe(INVALID_TRANSITION);
    expect((await ev(f2, { type: 'picked' })).status).toBe('packing');
    expect((await ev(f2, { type: 'packed' })).status).toBe('shipping');
    expect((await ev(f2, { type: 'shipped', carrier: 'UPS', trackingNumber: 'T-2' })).status).toBe('shipped');
    expect((await ev(f1, { type: 'delivered' })).status).toBe('shipped');
    expect((await ev(f2, { type: 'delivered' })).status).toBe('delivered');

    const view = await handle.result();
    expect(view.status).toBe('delivered');
    expect(view.fulfillments.map((f) => [f.warehouseId, f.status, f.shipment?.trackingNumber])).toEqual([
      [w1, 'delivered', 'T-1'],
      [w2, 'delivered', 'T-2'],
    ]);
    expect(view.shipment?.trackingNumber).toBe('T-1');
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 3, reserved: 0 } });
    expect(await env.suite.levels(b)).toEqual({ [w2]: { onHand: 1, reserved: 0 } });
  });

  it('re-routes a rejected fulfillment to the next warehouse, never back; none left → awaiting_stock', async () => {
    const { warehouses: [w1, w2, w3], skus: [a] } = await env.suite.seed({ warehouses: 3, skus: 1, stock: [[3], [3], [0]] });
    env.owned.push(a);
    const input = orderInput({ lines: [{ sku: a, quantity: 2 }] });
    const handle = await env.suite.startOrder(input);
    const first = await env.suite.waitForStatus(handle, 'picking');
    expect(first.fulfillments).toMatchObject([{ warehouseId: w1, status: 'picking' }]);
    // One active fulfillment: the event may leave it unnamed.
    const rerouted = await handle.executeUpdate(eventUpdate, { args: [{ type: 'rejected', reason: 'no capacity' }] });
    expect(rerouted.fulfillments[0]).toMatchObject({ warehouseId: w1, status: 'rejected', reason: 'no capacity' });
    const second = await env.suite.waitForStatus(handle, 'picking');
    expect(second.fulfillments.map((f) => [f.warehouseId, f.status])).toEqual([
      [w1, 'rejected'],
      [w2, 'picking'],
    ]);
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 3, reserved: 0 }, [w2]: { onHand: 3, reserved: 2 } });
    // A repeat of the rejection, named, is a no-op.
    const f1 = second.fulfillments[0].fulfillmentId;
    expect((await handle.executeUpdate(eventUpdate, { args: [{ type: 'rejected', reason: 'no capacity', fulfillmentId: f1 }] })).status).toBe('picking');

    // w2 refuses too; w3 has nothing; w1 is never asked again → backordered.
    const f2 = second.fulfillments[1].fulfillmentId;
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'rejected', reason: 'closed', fulfillmentId: f2 }] });
    const waiting = await env.suite.waitForStatus(handle, 'awaiting_stock');
    expect(waiting.backordered).toEqual([{ sku: a, quantity: 2 }]);
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 3, reserved: 0 }, [w2]: { onHand: 3, reserved: 0 } });

    // Stock at w3 fills it (the receipt wakes the order through the re-check signal path).
    await env.suite.receive(w3, a, 2);
    await handle.signal('stockArrived', { sku: a });
    const third = await env.suite.waitForStatus(handle, 'picking');
    expect(third.fulfillments.map((f) => [f.warehouseId, f.status])).toEqual([
      [w1, 'rejected'],
      [w2, 'rejected'],
      [w3, 'picking'],
    ]);
    await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'test done' }] });
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 3, reserved: 0 }, [w2]: { onHand: 3, reserved: 0 }, [w3]: { onHand: 2, reserved: 0 } });
  });

  it('cancel of a split order in picking returns every unit at both warehouses and cancels both pick tasks', async () => {
    const { warehouses: [w1, w2], skus: [a, b] } = await env.suite.seed({ warehouses: 2, skus: 2, stock: [[4, 0], [0, 4]] });
    env.owned.push(a, b);
    const input = orderInput({ lines: [{ sku: a, quantity: 1 }, { sku: b, quantity: 2 }] });
    const handle = await env.suite.startOrder(input);
    const picking = await env.suite.waitForStatus(handle, 'picking');
    const f1 = picking.fulfillments.find((f) => f.warehouseId === w1)!;
    // One parcel moves on to packing; the other is still picking.
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'picked', fulfillmentId: f1.fulfillmentId }] });
    const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'customer asked' }] });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.fulfillments.map((f) => f.status)).toEqual(['cancelled', 'cancelled']);
    expect([...(adapters.calls.cancelledTasks.get(input.orderId) ?? [])].sort()).toEqual(picking.fulfillments.map((f) => f.pickTaskId).sort());
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 4, reserved: 0 } });
    expect(await env.suite.levels(b)).toEqual({ [w2]: { onHand: 4, reserved: 0 } });
    expect(await env.suite.heldUnits(input.orderId)).toBe(0);
  });
});
