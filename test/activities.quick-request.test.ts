import { MockActivityEnvironment } from '@temporalio/testing';
import type { Knex } from 'knex';
import { simulatedCarrier, simulatedWarehouse, type WarehouseAdapter } from '../activities/adapters';
import { createActivities } from '../activities/order-activities';
import { createRecordsWithEvents } from '../app/order-records';
import { createLedger } from '../ledger/ledger';
import type { OrderRecords } from '../orders';
import { testKnex } from './support/db';
import { fulfillmentView, orderView } from './support/order-views';
import { Gate } from './support/recording-adapters';
import { eventually, uid } from './support/order-fixtures';

/**
 * The pick task request and the label purchase write the view they carry only when the order
 * rests on them (issue #26: one record write per resting status, not one per call): a peer that
 * answers at once leaves the view to the next call's write; a slow peer or a failed call gets it
 * written. Real Postgres records; the warehouse is the simulated one, held at a gate where the
 * test needs it slow or failing.
 */
describe('activities: a quick request to a peer writes no record of its own', () => {
  const QUICK_MS = 100;
  let knex: Knex;
  let records: OrderRecords;
  beforeAll(() => {
    knex = testKnex(4);
    records = createRecordsWithEvents(knex, 'quick-request-cursor-secret');
  });
  afterAll(async () => {
    await knex.destroy();
  });

  function activities(warehouse: WarehouseAdapter) {
    return createActivities({ ledger: createLedger(knex), warehouse, carrier: simulatedCarrier({ delayMs: 0 }), records, quickAnswerMs: QUICK_MS });
  }
  const carried = (orderId: string) => ({ view: orderView(orderId, ['received', 'reserved'], { fulfillments: [fulfillmentView('F1', 'requested')] }), version: 1 });
  const pickRequest = (orderId: string) => ({ orderId, fulfillmentId: 'F1', warehouseId: 'wh-F1', key: `${orderId}:F1:pick:1`, allocations: [], record: carried(orderId) });

  it('a pick task request answered at once: no write (the next call carries the answer)', async () => {
    const orderId = `quick-${uid()}`;
    const { taskId } = (await new MockActivityEnvironment().run(activities(simulatedWarehouse({ delayMs: 0 })).createPickTask, pickRequest(orderId))) as { taskId: string };
    expect(taskId).toBeTruthy();
    expect(await records.get(orderId)).toBeUndefined();
  });

  it('a label bought at once: no write', async () => {
    const orderId = `quick-${uid()}`;
    const label = (await new MockActivityEnvironment().run(activities(simulatedWarehouse({ delayMs: 0 })).buyLabel, {
      orderId,
      fulfillmentId: 'F1',
      key: `${orderId}:F1:label`,
      address: carried(orderId).view.shippingAddress,
      method: 'standard' as const,
      allocations: [],
      record: carried(orderId),
    })) as { trackingNumber: string } | null;
    expect(label?.trackingNumber).toBeTruthy();
    expect(await records.get(orderId)).toBeUndefined();
  });

  it('a warehouse slow to answer: the order rests on the request, so its record shows the carried view before the answer', async () => {
    const orderId = `slow-${uid()}`;
    const gate = new Gate();
    const sim = simulatedWarehouse({ delayMs: 0 });
    const acts = activities({ ...sim, createPickTask: async (req) => (await gate.wait(), sim.createPickTask(req)) });
    const call = new MockActivityEnvironment().run(acts.createPickTask, pickRequest(orderId));
    await gate.reached;
    const record = await eventually(async () => records.get(orderId), 5_000);
    expect(record).toMatchObject({ version: 1, view: { status: 'reserved' } });
    gate.open();
    expect(((await call) as { taskId: string }).taskId).toBeTruthy();
  });

  it('a request that fails: the carried view is written before the failure is reported (the order waits for the retry)', async () => {
    const orderId = `fail-${uid()}`;
    const sim = simulatedWarehouse({ delayMs: 0 });
    const acts = activities({ ...sim, createPickTask: async () => Promise.reject(new Error('ECONNRESET')) });
    await expect(new MockActivityEnvironment().run(acts.createPickTask, pickRequest(orderId))).rejects.toThrow('ECONNRESET');
    expect(await records.get(orderId)).toMatchObject({ version: 1, view: { status: 'reserved' } });
  });
});
