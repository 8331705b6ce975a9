import { manualCarrier, manualWarehouse } from '../activities/adapters';
import { cancelUpdate, editUpdate, eventUpdate, holdUpdate, INVALID_TRANSITION, releaseHoldUpdate } from '../workflows/order/messages';
import { OrderSuite, orderInput, orderSuiteHooks, uid, updateRefusal } from './support/order-fixtures';
import { recordingAdapters } from './support/recording-adapters';

/** Edits before picking: the ledger moves only the difference, once per edit. */
describe('order workflow · edits (manual mode)', () => {
  const adapters = recordingAdapters(manualWarehouse(), manualCarrier());
  const env = orderSuiteHooks((bundle) => OrderSuite.start({ name: 'wf-edits', bundle, warehouseMode: 'manual', carrierMode: 'manual', adapters }));

  async function onHold(lines: { sku: string; quantity: number }[]) {
    const input = orderInput({ lines });
    const handle = await env.suite.startOrder(input);
    await env.suite.waitForStatus(handle, 'picking');
    const holdId = `hold-${uid()}`;
    await handle.executeUpdate(holdUpdate, { args: [{ holdId, reason: 'customer_request' }] });
    await env.suite.waitForStatus(handle, 'on_hold');
    return { input, handle, holdId };
  }

  it('5 → 2 releases exactly 3; a retried edit (same Update id) changes the ledger once; 2 → 4 holds 2 more', async () => {
    const { warehouses: [w1], skus: [a, b] } = await env.suite.seed({ warehouses: 1, skus: 2, stock: [[6, 3]] });
    env.owned.push(a, b);
    const { input, handle, holdId } = await onHold([{ sku: a, quantity: 5 }]);
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 6, reserved: 5 } });

    const editId = `edit-${uid()}`;
    const lowered = await handle.executeUpdate(editUpdate, { args: [{ lines: [{ sku: a, quantity: 2 }] }], updateId: editId });
    expect(lowered.lines).toEqual([{ sku: a, quantity: 2 }]);
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 6, reserved: 2 } });
    const movementsAfterOne = (await env.suite.ledger.movements(a)).movements.length;
    // The API re-sends with the same update id: nothing moves twice.
    await handle.executeUpdate(editUpdate, { args: [{ lines: [{ sku: a, quantity: 2 }] }], updateId: editId });
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 6, reserved: 2 } });
    expect((await env.suite.ledger.movements(a)).movements.length).toBe(movementsAfterOne);

    // Raise a, add b, new address.
    const raised = await handle.executeUpdate(editUpdate, {
      args: [{ lines: [{ sku: a, quantity: 4 }, { sku: b, quantity: 1 }], shippingAddress: { ...input.shippingAddress, line1: '1 New Street' } }],
    });
    expect(raised.edits).toBe(2);
    expect(raised.shippingAddress.line1).toBe('1 New Street');
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 6, reserved: 4 } });
    expect(await env.suite.levels(b)).toEqual({ [w1]: { onHand: 3, reserved: 1 } });

    await handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId }] });
    const picking = await env.suite.waitForStatus(handle, 'picking');
    expect(picking.fulfillments.filter((f) => f.status === 'picking').map((f) => f.lines)).toEqual([[{ sku: a, quantity: 4 }, { sku: b, quantity: 1 }].sort((x, y) => (x.sku < y.sku ? -1 : 1))]);
    // A pick task is open: edits are refused (place a hold first).
    const refused = await updateRefusal(handle.executeUpdate(editUpdate, { args: [{ lines: [{ sku: a, quantity: 1 }] }] }));
    expect(refused.type).toBe(INVALID_TRANSITION);
    await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'done' }] });
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 6, reserved: 0 } });
    expect(await env.suite.levels(b)).toEqual({ [w1]: { onHand: 3, reserved: 0 } });
  });

  it('raising past the stock backorders the rest; an unknown SKU is refused and changes nothing', async () => {
    const { warehouses: [w1], skus: [a] } = await env.suite.seed({ warehouses: 1, skus: 1, stock: [[3]] });
    env.owned.push(a);
    const { handle, holdId } = await onHold([{ sku: a, quantity: 2 }]);
    const unknown = await updateRefusal(handle.executeUpdate(editUpdate, { args: [{ lines: [{ sku: 'NO-SUCH-SKU', quantity: 1 }] }] }));
    expect(unknown.type).toBe('UNKNOWN_SKU');
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 3, reserved: 2 } });

    const raised = await handle.executeUpdate(editUpdate, { args: [{ lines: [{ sku: a, quantity: 4 }] }] });
    expect(raised.backordered).toEqual([{ sku: a, quantity: 1 }]);
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 3, reserved: 3 } });
    await handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId }] });
    await env.suite.waitForStatus(handle, 'awaiting_stock');
    await env.suite.receive(w1, a, 1);
    await handle.signal('stockArrived', { sku: a });
    const picking = await env.suite.waitForStatus(handle, 'picking');
    expect(picking.fulfillments.filter((f) => f.status === 'picking').map((f) => f.lines)).toEqual([[{ sku: a, quantity: 4 }]]);
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] });
    await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'done' }] });
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 4, reserved: 0 } });
  });
});
