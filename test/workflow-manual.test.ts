import { temporal } from '@temporalio/proto';
import { billableActions } from '../bench/billable-actions';
import type { OrderStatus } from '../domain/types';
import { OrderStatusKey } from '../workflows/search-attributes';
import { cancelSignal, cancelUpdate, eventUpdate, INVALID_TRANSITION, retryUpdate } from '../workflows/order/messages';
import { INVALID_EVENT } from '../domain/failure-types';
import { OrderSuite, eventually, orderInput, orderSuiteHooks, updateRefusal } from './support/order-fixtures';

/** Manual warehouse and carrier: the order moves only when the events arrive (HTTP → Update). */
describe('order workflow · manual mode', () => {
  const env = orderSuiteHooks((bundle) => OrderSuite.start({ name: 'wf-manual', bundle, warehouseMode: 'manual', carrierMode: 'manual' }));

  it('is driven event by event; repeats are no-ops, misfits are refused with the status', async () => {
    const { warehouses: [w1], skus: [a] } = await env.suite.seed({ warehouses: 1, skus: 1, stock: [[10]] });
    env.owned.push(a);
    const input = orderInput({ lines: [{ sku: a, quantity: 3 }] });
    const handle = await env.suite.startOrder(input);

    const picking = await env.suite.waitForStatus(handle, 'picking');
    expect(picking.pickTaskId).toMatch(/^PICK-/);
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 10, reserved: 3 } });

    // Out of order: packed before picked.
    const early = await updateRefusal(handle.executeUpdate(eventUpdate, { args: [{ type: 'packed' }] }));
    expect(early.type).toBe(INVALID_TRANSITION);
    expect(early.details).toEqual([{ status: 'picking' }]);
    // Malformed.
    const malformed = await updateRefusal(handle.executeUpdate(eventUpdate, { args: [{ type: 'pick_failed', reason: '' }] }));
    expect(malformed.type).toBe(INVALID_EVENT);
    // retry only in needs_attention.
    expect((await updateRefusal(handle.executeUpdate(retryUpdate))).details).toEqual([{ status: 'picking' }]);

    expect((await handle.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] })).status).toBe('packing');
    // A repeat is accepted and changes nothing.
    expect((await handle.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] })).status).toBe('packing');

    expect((await handle.executeUpdate(eventUpdate, { args: [{ type: 'packed' }] })).status).toBe('shipping');
    // Manual carrier: the stock is committed while the order waits for the carrier.
    await eventually(async () => ((await env.suite.levels(a))[w1].onHand === 7 ? true : undefined));
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 7, reserved: 0 } });

    const shipped = await handle.executeUpdate(eventUpdate, { args: [{ type: 'shipped', carrier: 'DHL', trackingNumber: 'JD0001' }] });
    expect(shipped.status).toBe('shipped');
    expect(shipped.shipment).toMatchObject({ carrier: 'DHL', trackingNumber: 'JD0001' });
    const again = await handle.executeUpdate(eventUpdate, { args: [{ type: 'shipped', carrier: 'DHL', trackingNumber: 'JD0001' }] });
    expect(again.status).toBe('shipped');

    // Cancel is no longer possible once shipped: Update refused with the status, signal ignored.
    const refused = await updateRefusal(handle.executeUpdate(cancelUpdate, { args: [{ reason: 'changed my mind' }] }));
    expect(refused.type).toBe(INVALID_TRANSITION);
    expect(refused.details).toEqual([{ status: 'shipped' }]);
    await handle.signal(cancelSignal, { reason: 'changed my mind' });
    // Workflow cancellation is ignored too.
    await handle.cancel();
    expect((await handle.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] })).status).toBe('shipped');

    const delivered = await handle.executeUpdate(eventUpdate, { args: [{ type: 'delivered' }] });
    expect(delivered.status).toBe('delivered');
    const view = await handle.result();
    expect(view.status).toBe('delivered');
    expect(view.history.map((h) => h.status)).toEqual(['received', 'reserved', 'picking', 'packing', 'shipping', 'shipped', 'delivered']);
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 7, reserved: 0 } });
  });

  it('what a delivered order costs when the warehouse and the carrier report by event; it rests visibly at each status', async () => {
    const { skus: [a] } = await env.suite.seed({ warehouses: 1, skus: 1, stock: [[5]] });
    env.owned.push(a);
    const input = orderInput({ lines: [{ sku: a, quantity: 1 }] });
    const handle = await env.suite.startOrder(input);
    // At rest: nothing of ours in flight, and the search attribute and the record both show the status.
    const rests = async (status: OrderStatus) =>
      eventually(async () => {
        const d = await handle.describe();
        const record = await env.suite.knex('order_records').where({ order_id: input.orderId }).first('status');
        const raw = await env.suite.client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: handle.workflowId } });
        const idle = (raw.pendingActivities ?? []).length === 0;
        return idle && d.typedSearchAttributes.get(OrderStatusKey) === status && record?.status === status ? true : undefined;
      });
    await rests('picking');
    const events = [{ type: 'picked' }, { type: 'packed' }, { type: 'shipped', carrier: 'DHL', trackingNumber: `T-${a}` }, { type: 'delivered' }] as const;
    const resting: OrderStatus[] = ['packing', 'shipping', 'shipped', 'delivered'];
    for (const [i, event] of events.entries()) {
      await handle.executeUpdate(eventUpdate, { args: [event] });
      await rests(resting[i]);
    }
    expect((await handle.result()).status).toBe('delivered');
    const history = (await handle.fetchHistory()).events ?? [];
    // No wait activity asks a peer that reports by event "done yet?": the events end the waits.
    const scheduled = history.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter((n) => n);
    expect(scheduled).toEqual(['createPickTask', 'buyLabel']);
    // Temporal Cloud's bill (bench/billable-actions.ts): start 1, the request and the label 2, the four
    // events 4, the pick, pack and delivery deadlines and the close timer 4, five resting statuses
    // published 5, and the local activities: validate+reserve, the record once the request was
    // answered (picking: the workflow's own write, so the record never shows a status the workflow
    // does not take events for yet), the commit carrying the label, and the record after picked,
    // shipped and delivered 6.
    const names = temporal.api.enums.v1.EventType as unknown as Record<number, string>;
    expect(billableActions(history, names)).toEqual({
      total: 22,
      byKind: { 'workflow started': 1, 'activity attempts': 2, updates: 4, timers: 4, 'search attribute upserts': 5, 'local activities (per workflow task)': 6 },
    });
    const locals = history
      .map((e) => e.markerRecordedEventAttributes)
      .filter((m) => m?.markerName === 'core_local_activity')
      .map((m) => (JSON.parse(Buffer.from(m!.details!.data!.payloads![0].data!).toString()) as { activity_type: string }).activity_type);
    expect(locals).toEqual(['validateOrder', 'reserveStock', 'saveOrderRecord', 'saveOrderRecord', 'commitStock', 'saveOrderRecord', 'saveOrderRecord']);
  });

  it('lets ops find every order stuck in picking for a SKU with one visibility query', async () => {
    const { warehouses: [w1], skus: [a, b] } = await env.suite.seed({ warehouses: 1, skus: 2, stock: [[10, 10]] });
    env.owned.push(a, b);
    const customerId = `C-ops-${a}`;
    const withA = [orderInput({ lines: [{ sku: a, quantity: 1 }], customerId }), orderInput({ lines: [{ sku: a, quantity: 1 }, { sku: b, quantity: 1 }] })];
    const onlyB = orderInput({ lines: [{ sku: b, quantity: 2 }] });
    const handles = [];
    for (const input of [...withA, onlyB]) handles.push(await env.suite.startOrder(input));
    for (const h of handles) await env.suite.waitForStatus(h, 'picking');
    // One of the a-orders moves on to packing: it must drop out of the result.
    await handles[1].executeUpdate(eventUpdate, { args: [{ type: 'picked' }] });

    const list = async (query: string) => {
      const ids: string[] = [];
      for await (const wf of env.suite.client.workflow.list({ query })) ids.push(wf.workflowId);
      return ids.sort();
    };
    const stuck = await eventually(async () => {
      const ids = await list(`OrderStatus = "picking" AND Skus = "${a}"`);
      return ids.length === 1 ? ids : undefined;
    });
    expect(stuck).toEqual([handles[0].workflowId]);
    expect(await list(`CustomerId = "${customerId}" AND WarehouseIds = "${w1}"`)).toEqual([handles[0].workflowId]);
    expect(await list(`Skus = "${b}" AND Channel = "web"`)).toEqual([handles[1].workflowId, handles[2].workflowId].sort());

    for (const h of handles) await h.executeUpdate(cancelUpdate, { args: [{ reason: 'test done' }] });
    expect(await env.suite.available(a)).toEqual({ [w1]: 10 });
    expect(await env.suite.available(b)).toEqual({ [w1]: 10 });
  });
});
