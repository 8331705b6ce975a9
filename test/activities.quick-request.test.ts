import { MockActivityEnvironment } from '@temporalio/testing';
import type { Knex } from 'knex';
import { simulatedCarrier, simulatedWarehouse, type CarrierAdapter, type WarehouseAdapter } from '../activities/adapters';
import { createActivities } from '../activities/order-activities';
import { createRecordsWithEvents } from '../app/order-records';
import { createLedger } from '../ledger/ledger';
import type { OrderRecords } from '../orders';
import { testKnex } from './support/db';
import { fulfillmentView, orderView } from './support/order-views';
import { Gate } from './support/recording-adapters';
import { eventually, uid } from './support/order-fixtures';

/**
 * The label purchase writes the view it carries only when the order rests on it (issue #26: one
 * record write per resting status, not one per call): a carrier that answers at once leaves the
 * view to the next call's write; a slow carrier or a failed call gets it written. The pick task
 * request writes its view before the warehouse is asked, always: a warehouse may report the
 * instant it has the request, and its key is authorized from the record. Real Postgres records;
 * the simulated peers, held at a gate or failing where the test needs it.
 */
describe('activities: which requests to a peer write the carried record first', () => {
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

  const sim = { warehouse: simulatedWarehouse({ delayMs: 0 }), carrier: simulatedCarrier({ delayMs: 0 }) };
  function activities(peers: { warehouse?: WarehouseAdapter; carrier?: CarrierAdapter } = {}) {
    return createActivities({ ledger: createLedger(knex), warehouse: peers.warehouse ?? sim.warehouse, carrier: peers.carrier ?? sim.carrier, records, quickAnswerMs: QUICK_MS });
  }
  const carried = (orderId: string, status: 'requested' | 'packing' = 'requested') => ({
    view: orderView(orderId, ['received', 'reserved'], { fulfillments: [fulfillmentView('F1', status)] }),
    version: 1,
  });
  const pickRequest = (orderId: string) => ({ orderId, fulfillmentId: 'F1', warehouseId: 'wh-F1', key: `${orderId}:F1:pick:1`, allocations: [], record: carried(orderId) });
  const labelRequest = (orderId: string) => ({
    orderId,
    fulfillmentId: 'F1',
    key: `${orderId}:F1:label`,
    address: carried(orderId).view.shippingAddress,
    method: 'standard' as const,
    allocations: [],
    record: carried(orderId, 'packing'),
  });

  it('a pick task request: the record holds the carried fulfillment before the warehouse is asked, even when it answers at once', async () => {
    const orderId = `pick-${uid()}`;
    let seenByWarehouse: unknown;
    const warehouse: WarehouseAdapter = { ...sim.warehouse, createPickTask: async (req) => ((seenByWarehouse = await records.get(orderId)), sim.warehouse.createPickTask(req)) };
    const { taskId } = (await new MockActivityEnvironment().run(activities({ warehouse }).createPickTask, pickRequest(orderId))) as { taskId: string };
    expect(taskId).toBeTruthy();
    expect(seenByWarehouse).toMatchObject({ version: 1, view: { fulfillments: [expect.objectContaining({ fulfillmentId: 'F1', status: 'requested' })] } });
  });

  it('a label bought at once: no write (the next call carries the answer)', async () => {
    const orderId = `quick-${uid()}`;
    const label = (await new MockActivityEnvironment().run(activities().buyLabel, labelRequest(orderId))) as { trackingNumber: string } | null;
    expect(label?.trackingNumber).toBeTruthy();
    expect(await records.get(orderId)).toBeUndefined();
  });

  it('a carrier slow to answer: the order rests on the purchase, so its record shows the carried view before the answer', async () => {
    const orderId = `slow-${uid()}`;
    const gate = new Gate();
    const carrier: CarrierAdapter = { ...sim.carrier, buyLabel: async (req) => (await gate.wait(), sim.carrier.buyLabel(req)) };
    const call = new MockActivityEnvironment().run(activities({ carrier }).buyLabel, labelRequest(orderId));
    await gate.reached;
    const record = await eventually(async () => records.get(orderId), 5_000);
    expect(record).toMatchObject({ version: 1, view: { status: 'reserved' } });
    gate.open();
    expect(((await call) as { trackingNumber: string }).trackingNumber).toBeTruthy();
  });

  it('a label purchase that fails: the carried view is written before the failure is reported (the order waits for the retry)', async () => {
    const orderId = `fail-${uid()}`;
    const carrier: CarrierAdapter = { ...sim.carrier, buyLabel: async () => Promise.reject(new Error('ECONNRESET')) };
    await expect(new MockActivityEnvironment().run(activities({ carrier }).buyLabel, labelRequest(orderId))).rejects.toThrow('ECONNRESET');
    expect(await records.get(orderId)).toMatchObject({ version: 1, view: { status: 'reserved' } });
  });
});
