import { temporal } from '@temporalio/proto';
import { billableActions } from '../bench/billable-actions';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { stockArrivedSignal } from '../workflows/order/messages';
import { ORDER_INVALID } from '../domain/failure-types';
import { OrderStatusKey } from '../workflows/search-attributes';
import { OrderSuite, historyEventTypes, orderInput, orderSuiteHooks } from './support/order-fixtures';

/** Simulated warehouse and carrier: orders flow end to end by themselves. */
describe('order workflow · simulated mode', () => {
  const env = orderSuiteHooks((bundle) => OrderSuite.start({ name: 'wf-happy', bundle, simulatedDelayMs: 30 }));

  it('delivers an order from one warehouse and ships exactly its units', async () => {
    const { warehouses: [w1, w2], skus: [a, b] } = await env.suite.seed({ warehouses: 2, skus: 2, stock: [[5, 5], [5, 5]] });
    env.owned.push(a, b);
    const input = orderInput({ lines: [{ sku: a, quantity: 2 }, { sku: b, quantity: 1 }], shippingMethod: 'express' });
    const handle = await env.suite.startOrder(input);

    const view = await handle.result();
    expect(view.status).toBe('delivered');
    expect(view.history.map((h) => h.status)).toEqual(['received', 'reserved', 'picking', 'packing', 'shipping', 'shipped', 'delivered']);
    expect(view.allocations).toEqual(
      expect.arrayContaining([
        { warehouseId: w1, sku: a, quantity: 2 },
        { warehouseId: w1, sku: b, quantity: 1 },
      ]),
    );
    expect(view.shipment).toMatchObject({ carrier: 'SimExpress', trackingNumber: expect.stringMatching(/^SIMTRK-/) });
    expect(view.shipment?.deliveredAt).toBeDefined();
    expect(view.lastError).toBeUndefined();

    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 3, reserved: 0 }, [w2]: { onHand: 5, reserved: 0 } });
    expect(await env.suite.levels(b)).toEqual({ [w1]: { onHand: 4, reserved: 0 }, [w2]: { onHand: 5, reserved: 0 } });
    expect((await env.suite.ledger.reservations(input.orderId)).every((r) => r.status === 'shipped')).toBe(true);

    // The lean history: the ledger steps are local activities (markers), no deadline or close
    // timer when the activities finish the steps, no upsert of what the starter set: one upsert
    // per status the order rests in (`reserved`, passed through, is not published — §5), the
    // publish-at-rest and lean-order patch markers and the TemporalChangeVersion upsert core adds
    // for each (no billable action). The stock commit rides on the pickup wait's activity and the
    // delivery wait's activity writes the final record: validate and reserve are the only local
    // activities, both in the first workflow task.
    const types = await historyEventTypes(handle);
    const counts: Record<string, number> = {};
    for (const type of types) counts[type] = (counts[type] ?? 0) + 1;
    expect(counts).toMatchObject({ UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: 7, MARKER_RECORDED: 4, ACTIVITY_TASK_COMPLETED: 6, WORKFLOW_TASK_COMPLETED: 7 });
    const upserts = ((await handle.fetchHistory()).events ?? [])
      .map((e) => e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields)
      .filter((f) => f)
      .map((f) => Object.keys(f!).sort().join(','));
    expect(upserts).toEqual(['TemporalChangeVersion', 'TemporalChangeVersion', 'OrderStatus,WarehouseIds', 'OrderStatus', 'OrderStatus', 'OrderStatus', 'OrderStatus']);
    // Temporal Cloud's bill for it (bench/billable-actions.ts): start 1, activities 6, workflow
    // tasks with local activities 1 (validate+reserve, the patch markers beside them), upserts 5.
    const names = temporal.api.enums.v1.EventType as unknown as Record<number, string>;
    expect(billableActions((await handle.fetchHistory()).events ?? [], names)).toEqual({
      total: 13,
      byKind: { 'workflow started': 1, 'activity attempts': 6, 'local activities (per workflow task)': 1, 'search attribute upserts': 5 },
    });
    // The final record was written by the delivery wait's activity, exactly as the workflow closed it.
    const record = await env.suite.knex('order_records').where({ order_id: input.orderId }).first('view');
    expect(record.view).toEqual(view);
    expect(types.length).toBeLessThanOrEqual(60);
    expect(counts.TIMER_STARTED).toBeUndefined();
  });

  it('splits an order across warehouses and keeps the search attributes current', async () => {
    const { warehouses: [w1, w2], skus: [a] } = await env.suite.seed({ warehouses: 2, skus: 1, stock: [[2], [3]] });
    env.owned.push(a);
    const input = orderInput({ lines: [{ sku: a, quantity: 4 }], channel: 'marketplace' });
    const handle = await env.suite.startOrder(input);
    const view = await handle.result();
    expect(view.status).toBe('delivered');
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 0, reserved: 0 }, [w2]: { onHand: 1, reserved: 0 } });
    // Whichever parcel arrived last closed the order: the record holds the workflow's final view.
    expect((await env.suite.knex('order_records').where({ order_id: input.orderId }).first('view')).view).toEqual(view);

    const described = await handle.describe();
    const attrs = described.typedSearchAttributes;
    expect(attrs.get(OrderStatusKey)).toBe('delivered');
    expect(await described.staticSummary()).toBe(`Order ${input.orderId} · 1 line · marketplace`);
    expect(await described.staticDetails()).toContain(`${a} ×4`);
    expect(described.searchAttributes).toMatchObject({
      OrderStatus: ['delivered'],
      CustomerId: [input.customer.id],
      Channel: ['marketplace'],
      Skus: [a],
      WarehouseIds: [w1, w2],
    });
  });

  it('rejects an invalid order at once with the reasons', async () => {
    const { skus: [a] } = await env.suite.seed({ warehouses: 1, skus: 1, stock: [[5]] });
    env.owned.push(a);
    const input = orderInput({ lines: [{ sku: a, quantity: 1 }, { sku: 'NO-SUCH-SKU', quantity: 1 }], shippingAddress: { city: '' } });
    const handle = await env.suite.startOrder(input);
    const view = await handle.result();
    expect(view.status).toBe('rejected');
    expect(view.lastError).toMatchObject({ step: 'validate', type: ORDER_INVALID });
    expect(view.lastError?.message).toContain('unknown SKU: NO-SUCH-SKU');
    expect(view.lastError?.message).toContain('city missing');
    expect(await env.suite.available(a)).toEqual({ [Object.keys(await env.suite.available(a))[0]]: 5 });
    // No retries: validate (a local activity, recorded as a marker) ran once, at attempt 1; then the record of the rejection.
    const history = await handle.fetchHistory();
    const localActivities = (history.events ?? [])
      .map((e) => e.markerRecordedEventAttributes)
      .filter((m) => m?.markerName === 'core_local_activity')
      .map((m) => JSON.parse(Buffer.from(m!.details!.data!.payloads![0].data!).toString()) as { activity_type: string; attempt: number });
    expect(localActivities).toEqual([
      expect.objectContaining({ activity_type: 'validateOrder', attempt: 1 }),
      expect.objectContaining({ activity_type: 'saveOrderRecord', attempt: 1 }),
    ]);
    expect(history.events?.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(0);
  });

  it('waits for backordered units, then a receipt and stockArrived fill the order', async () => {
    const { warehouses: [w1], skus: [a, b] } = await env.suite.seed({ warehouses: 1, skus: 2, stock: [[2, 3]] });
    env.owned.push(a, b);
    const input = orderInput({ lines: [{ sku: a, quantity: 5 }, { sku: b, quantity: 1 }] });
    const handle = await env.suite.startOrder(input);

    const waiting = await env.suite.waitForStatus(handle, 'awaiting_stock');
    expect(waiting.backordered).toEqual([{ sku: a, quantity: 3 }]);
    expect(await env.suite.heldUnits(input.orderId)).toBe(3); // 2 of a + 1 of b stay held
    expect(await env.suite.ledger.ordersAwaiting(a)).toContain(input.orderId);

    await env.suite.receive(w1, a, 4);
    // The API's receipt path: signal every order awaiting the SKU.
    for (const orderId of await env.suite.ledger.ordersAwaiting(a)) {
      await env.suite.client.workflow.getHandle(`order-${orderId}`).signal(stockArrivedSignal, { sku: a });
    }
    const view = await handle.result();
    expect(view.status).toBe('delivered');
    expect(view.history.map((h) => h.status)).toEqual([
      'received', 'awaiting_stock', 'reserved', 'picking', 'packing', 'shipping', 'shipped', 'delivered',
    ]);
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 1, reserved: 0 } });
  });

  it('reports a failed start of the same order id (the id runs once)', async () => {
    const { skus: [a] } = await env.suite.seed({ warehouses: 1, skus: 1, stock: [[1]] });
    env.owned.push(a);
    const input = orderInput({ lines: [{ sku: a, quantity: 1 }] });
    await (await env.suite.startOrder(input)).result();
    await expect(env.suite.startOrder(input)).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
  });
});
