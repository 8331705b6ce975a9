import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createReaperActivities, type ReaperReport } from '../activities/reaper-activities';
import { createClosedOrdersCheck, createClosedOrdersFinder } from '../clients/order-closed';
import { createRecordsWithEvents } from '../app/order-records';
import type { Ledger } from '../ledger/types';
import { startReaper } from '../worker/create-worker';
import { reaperWorkflowId } from '../workflows/reaper/start-options';
import { orderWorkflowId } from '../domain/types';
import { loadConfig } from '../config/config';
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
    // Its record is closed too: it will never move again.
    const records = createRecordsWithEvents(suite.knex, 'order-suite-cursor-secret');
    const record = await eventually(async () => {
      const r = await records.get(input.orderId);
      return r?.view.status === 'cancelled' ? r : undefined;
    }, 20_000);
    expect(record.view.cancelReason).toMatch(/workflow terminated/);
  });

  it('a pass costs O(orders closed since the last pass), not O(orders holding stock)', async () => {
    const { skus: [a] } = await suite.seed({ warehouses: 1, skus: 1, stock: [[100]] });
    const since = new Date().toISOString();
    const open = await Promise.all(Array.from({ length: 50 }, () => suite.startOrder(orderInput({ lines: [{ sku: a, quantity: 1 }] }))));
    const dead = orderInput({ lines: [{ sku: a, quantity: 2 }] });
    const deadHandle = await suite.startOrder(dead);
    for (const h of [...open, deadHandle]) await suite.waitForStatus(h, 'picking');
    await deadHandle.terminate('test: terminated in picking');

    const looked: string[] = [];
    let describes = 0;
    const counting: Ledger = { ...suite.ledger, reservations: (orderId) => (looked.push(orderId), suite.ledger.reservations(orderId)) };
    const isClosed = createClosedOrdersCheck(suite.client, 'default');
    const reaper = createReaperActivities({
      ledger: counting,
      findClosedSince: createClosedOrdersFinder(suite.client, 'default'),
      isWorkflowClosed: async (ids) => ((describes += ids.length), isClosed(ids)),
      intervalMs: 1_000,
      fullSweepEvery: 0,
    });
    const env = new MockActivityEnvironment();
    // Visibility is eventually consistent: the terminated order shows up in a pass or two.
    const report = await eventually(async () => {
      const r = (await env.run(reaper.reapClosedOrders, { since, pass: 1 })) as ReaperReport;
      return r.released.some((x) => x.orderId === dead.orderId) ? r : undefined;
    }, 20_000);
    expect(describes).toBe(0);
    const openIds = new Set(open.map((h) => h.workflowId.replace(/^order-/, '')));
    expect(looked.filter((id) => openIds.has(id))).toEqual([]);
    // One ledger look-up per closed order the pass found (other suites' terminated orders included), none per open one.
    expect(looked.filter((id) => id === dead.orderId).length).toBeGreaterThanOrEqual(1);
    expect(report.checked).toBeLessThan(50);
    expect(await suite.heldUnits(dead.orderId)).toBe(0);
    expect(await suite.heldUnits(open[0].workflowId.replace(/^order-/, ''))).toBe(1);
    for (const h of open) await h.terminate('test cleanup');
    await env.run(reaper.reapClosedOrders, { since, pass: 2 });
  });

  it("waits the worker's REAPER_INTERVAL at every pass, not the one frozen in its input", async () => {
    const id = reaperWorkflowId(suite.taskQueue);
    await suite.client.workflow.getHandle(id).terminate('restart with an old interval');
    // Started as a first deployment with a 1 h interval would have been: the worker says 500 ms.
    await startReaper(suite.client, suite.taskQueue, { intervalMs: 3_600_000 });
    const handle = suite.client.workflow.getHandle(id);
    await eventually(async () => {
      const { events } = await handle.fetchHistory();
      const passes = (events ?? []).filter((e) => e.activityTaskCompletedEventAttributes).length;
      return passes >= 3 ? passes : undefined;
    }, 20_000);
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

/** The bound with the shipped defaults: a workflow terminated in picking has its stock back within 45 s. */
describe('reaper with the default REAPER_INTERVAL', () => {
  const defaults = loadConfig({});
  let suite: OrderSuite;

  beforeAll(async () => {
    suite = await OrderSuite.start({
      name: 'reaper-default',
      bundle: await bundleWorkflows(),
      warehouseMode: 'manual',
      carrierMode: 'manual',
      startReaper: true,
      reaperIntervalMs: defaults.reaperIntervalMs,
    });
  });
  afterAll(async () => {
    await suite?.client.workflow.getHandle(reaperWorkflowId(suite.taskQueue)).terminate('test done').catch(() => undefined);
    await suite?.stop();
  });

  it('releases the stock of an order terminated in picking within 45 s', async () => {
    expect(defaults.reaperIntervalMs).toBe(30_000);
    const { warehouses: [w1], skus: [a] } = await suite.seed({ warehouses: 1, skus: 1, stock: [[4]] });
    const input = orderInput({ lines: [{ sku: a, quantity: 2 }] });
    const handle = await suite.startOrder(input);
    await suite.waitForStatus(handle, 'picking');
    expect(await suite.levels(a)).toEqual({ [w1]: { onHand: 4, reserved: 2 } });

    await handle.terminate('operator pressed Terminate');
    // The bound is behaviour (the reaper's schedule), not speed: eventually fails after 45 s.
    await eventually(async () => ((await suite.levels(a))[w1]?.reserved === 0 ? true : undefined), 45_000, 500);
    expect(await suite.levels(a)).toEqual({ [w1]: { onHand: 4, reserved: 0 } });
    expect((await suite.reconcile([a])).problems).toEqual([]);
  }, 90_000);
});
