import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createClosedOrdersCheck } from '../infra/workflow-state';
import { startReaper } from '../worker/create-worker';
import { reaperWorkflowId } from '../workflows/reaper-workflow';
import { orderWorkflowId } from '../workflows/types';
import { OrderSuite, bundleWorkflows, eventually, orderInput, uid } from './support/order-fixtures';

/** A terminated workflow cannot compensate: the reaper, running by itself, releases what it held. */
describe('reaper', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let suite: OrderSuite;

  beforeAll(async () => {
    bundle = await bundleWorkflows();
    suite = await OrderSuite.start({
      name: 'reaper',
      bundle,
      warehouseMode: 'manual',
      carrierMode: 'manual',
      startReaper: true,
      reaperIntervalMs: 500,
    });
  });
  afterAll(async () => {
    await suite?.client.workflow.getHandle(reaperWorkflowId(suite.taskQueue)).terminate('test done').catch(() => undefined);
    await suite?.stop();
  });

  it('releases the stock held by a terminated order, on its own', async () => {
    const { warehouses: [w1], skus: [a] } = await suite.seed({ warehouses: 1, skus: 1, stock: [[5]] });
    const input = orderInput({ lines: [{ sku: a, quantity: 3 }] });
    const handle = await suite.startOrder(input);
    await suite.waitForStatus(handle, 'picking');
    expect(await suite.heldUnits(input.orderId)).toBe(3);

    await handle.terminate('operator pressed Terminate');
    const released = await eventually(async () => {
      const rows = await suite.ledger.reservations(input.orderId);
      return rows.length > 0 && rows.every((r) => r.status === 'released') ? rows : undefined;
    }, 20_000);
    expect(released).toEqual([{ orderId: input.orderId, warehouseId: w1, sku: a, quantity: 3, status: 'released' }]);
    expect(await suite.levels(a)).toEqual({ [w1]: { onHand: 5, reserved: 0 } });
    expect((await suite.reconcile([a])).problems).toEqual([]);
    const movements = (await suite.ledger.movements(a)).movements;
    expect(movements.some((m) => m.kind === 'release' && m.idempotencyKey.startsWith(`${input.orderId}:reaper-release`))).toBe(true);
  });

  it('is started once per task queue (USE_EXISTING)', async () => {
    const id = reaperWorkflowId(suite.taskQueue);
    const before = await suite.client.workflow.getHandle(id).describe();
    expect(before.status.name).toBe('RUNNING');
    await startReaper(suite.client, suite.taskQueue, { intervalMs: 500 });
    const after = await suite.client.workflow.getHandle(id).describe();
    expect(after.runId).toBe(before.runId);
  });

  it('counts a missing workflow as closed only after the grace period', async () => {
    let now = 1_000_000;
    const check = createClosedOrdersCheck(suite.client, 'default', { notFoundGraceMs: 60_000, now: () => now });
    const { skus: [a] } = await suite.seed({ warehouses: 1, skus: 1, stock: [[5]] });
    const running = orderInput({ lines: [{ sku: a, quantity: 1 }] });
    const done = orderInput({ lines: [{ sku: 'NOPE', quantity: 1 }] }); // rejected at once
    const runningHandle = await suite.startOrder(running);
    await (await suite.startOrder(done)).result();
    await suite.waitForStatus(runningHandle, 'picking');
    const missing = `never-started-${uid()}`;

    const ids = [running.orderId, done.orderId, missing];
    expect([...(await check(ids))]).toEqual([done.orderId]);
    now += 30_000;
    expect([...(await check(ids))]).toEqual([done.orderId]);
    now += 30_000;
    expect([...(await check(ids))].sort()).toEqual([done.orderId, missing].sort());
    expect(orderWorkflowId(missing)).toBe(`order-${missing}`);

    await runningHandle.cancel();
    await suite.waitForStatus(runningHandle, 'cancelled');
  });
});
