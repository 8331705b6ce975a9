/**
 * Determinism guard: recorded histories of real orders are replayed against the current
 * workflow code. A change that would break in-flight orders fails here; put it behind
 * `patched()` instead. Re-record (after an intended, patched change) with
 *   RECORD_HISTORIES=1 npx jest test/replay
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { reaperWorkflow } from '../workflows';
import { cancelUpdate, editUpdate, eventUpdate, holdUpdate, releaseHoldUpdate, retryUpdate, stockArrivedSignal } from '../workflows/order/messages';
import { OrderSuite, bundleWorkflows, orderInput, type OrderHandle } from './support/order-fixtures';

const DIR = path.join(__dirname, 'fixtures', 'histories');
/** Histories recorded by earlier workflow code, kept so its in-flight orders stay replayable (one folder per patch). */
const OLDER = (() => {
  try {
    return readdirSync(DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => path.join(DIR, d.name));
  } catch {
    return [];
  }
})();
const RECORD = process.env.RECORD_HISTORIES === '1';

/*
 * Histories are stored as protobufjs JSON (History.toObject / fromObject), not through the
 * SDK's historyToJSON / historyFromJSON: in this install @temporalio/proto resolves
 * protobufjs 7 while @temporalio/common's protojson is protobufjs 8, and both helpers throw
 * "type must be a Type". The format round-trips exactly; eventIds are decoded to Longs, so
 * the replayer takes the decoded History as is.
 */
const History = temporal.api.history.v1.History;
type History = temporal.api.history.v1.IHistory;

function encodeHistory(history: History): string {
  return JSON.stringify(History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String }), null, 1);
}

function decodeHistory(json: string): temporal.api.history.v1.History {
  return History.fromObject(JSON.parse(json));
}

describe('workflow replay', () => {
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    bundle = await bundleWorkflows();
  });

  (RECORD ? describe : describe.skip)('recording', () => {
    let simulated: OrderSuite;
    let slow: OrderSuite;
    let manual: OrderSuite;
    beforeAll(async () => {
      simulated = await OrderSuite.start({ name: 'record-sim', bundle, simulatedDelayMs: 20 });
      slow = await OrderSuite.start({ name: 'record-slow', bundle, simulatedDelayMs: 60_000 });
      manual = await OrderSuite.start({ name: 'record-manual', bundle, warehouseMode: 'manual', carrierMode: 'manual', reaperIntervalMs: 50 });
      mkdirSync(DIR, { recursive: true });
    });
    afterAll(async () => {
      await simulated?.stop();
      await slow?.stop();
      await manual?.stop();
    });

    async function save(name: string, handle: { fetchHistory(): Promise<History> }) {
      writeFileSync(path.join(DIR, `${name}.json`), `${encodeHistory(await handle.fetchHistory())}\n`);
    }

    it('records an order the simulated warehouse and carrier deliver by themselves', async () => {
      const { skus: [a] } = await simulated.seed({ warehouses: 1, skus: 1, stock: [[5]] });
      const handle = await simulated.startOrder(orderInput({ orderId: 'replay-simulated', lines: [{ sku: a, quantity: 2 }] }));
      expect((await handle.result()).status).toBe('delivered');
      await save('order-delivered-simulated', handle);
    });

    it('records delivered orders with the lean-order cuts (patches.ts): simulated, and manual (reported by event)', async () => {
      const { skus: [a] } = await simulated.seed({ warehouses: 1, skus: 1, stock: [[5]] });
      const sim = await simulated.startOrder(orderInput({ orderId: 'replay-lean-simulated', lines: [{ sku: a, quantity: 2 }] }));
      expect((await sim.result()).status).toBe('delivered');
      await save('order-delivered-simulated-lean', sim);

      const { skus: [b] } = await manual.seed({ warehouses: 1, skus: 1, stock: [[5]] });
      const man = await manual.startOrder(orderInput({ orderId: 'replay-lean-manual', lines: [{ sku: b, quantity: 1 }] }));
      await manual.waitForStatus(man, 'picking');
      for (const event of [{ type: 'picked' }, { type: 'packed' }, { type: 'shipped', carrier: 'DHL', trackingNumber: 'L1' }, { type: 'delivered' }] as const) {
        await man.executeUpdate(eventUpdate, { args: [event] });
      }
      expect((await man.result()).status).toBe('delivered');
      await save('order-delivered-manual-lean', man);
    });

    it('records a pick deadline passed while the simulated pick still runs', async () => {
      const { skus: [a] } = await slow.seed({ warehouses: 1, skus: 1, stock: [[5]] });
      const handle = await slow.startOrder(orderInput({ orderId: 'replay-pick-timeout', lines: [{ sku: a, quantity: 1 }], timeouts: { pickMs: 500 } }));
      expect((await handle.result()).status).toBe('timed_out');
      await save('order-pick-timed-out-simulated', handle);
    });

    it('records a backordered order that is delivered (simulated)', async () => {
      const { warehouses: [w1], skus: [a, b] } = await simulated.seed({ warehouses: 2, skus: 2, stock: [[1, 2], [1, 0]] });
      const handle = await simulated.startOrder(orderInput({ orderId: 'replay-delivered', lines: [{ sku: a, quantity: 3 }, { sku: b, quantity: 1 }] }));
      await simulated.waitForStatus(handle, 'awaiting_stock');
      await simulated.receive(w1, a, 1);
      await handle.signal(stockArrivedSignal, { sku: a });
      expect((await handle.result()).status).toBe('delivered');
      await save('order-delivered-after-backorder', handle);
    });

    it('records manual orders: cancelled by Update, by workflow cancellation, and retried after pick_failed', async () => {
      const { skus: [a] } = await manual.seed({ warehouses: 1, skus: 1, stock: [[10]] });
      const cancelled = await manual.startOrder(orderInput({ orderId: 'replay-cancelled', lines: [{ sku: a, quantity: 2 }] }));
      await manual.waitForStatus(cancelled, 'picking');
      await cancelled.executeUpdate(eventUpdate, { args: [{ type: 'picked' }] });
      await cancelled.executeUpdate(cancelUpdate, { args: [{ reason: 'customer asked' }] });
      await cancelled.result();
      await save('order-cancelled-in-packing', cancelled);

      const wfCancelled = await manual.startOrder(orderInput({ orderId: 'replay-wf-cancelled', lines: [{ sku: a, quantity: 2 }] }));
      await manual.waitForStatus(wfCancelled, 'picking');
      await wfCancelled.cancel();
      await wfCancelled.result().catch(() => undefined);
      await save('order-workflow-cancelled', wfCancelled);

      const retried: OrderHandle = await manual.startOrder(orderInput({ orderId: 'replay-retried', lines: [{ sku: a, quantity: 1 }] }));
      await manual.waitForStatus(retried, 'picking');
      await retried.executeUpdate(eventUpdate, { args: [{ type: 'pick_failed', reason: 'damaged' }] });
      await retried.executeUpdate(retryUpdate);
      await manual.waitForStatus(retried, 'picking');
      for (const event of [{ type: 'picked' }, { type: 'packed' }, { type: 'shipped', carrier: 'DHL', trackingNumber: 'R1' }, { type: 'delivered' }] as const) {
        await retried.executeUpdate(eventUpdate, { args: [event] });
      }
      expect((await retried.result()).status).toBe('delivered');
      await save('order-retried-after-pick-failed', retried);
    });

    it('records a split order, a rejected fulfillment re-routed, a hold with an edit', async () => {
      const { skus: [a, b] } = await manual.seed({ warehouses: 2, skus: 2, stock: [[5, 0], [0, 5]] });
      const split = await manual.startOrder(orderInput({ orderId: 'replay-split', lines: [{ sku: a, quantity: 1 }, { sku: b, quantity: 1 }] }));
      const picking = await manual.waitForStatus(split, 'picking');
      for (const f of picking.fulfillments) {
        for (const event of [{ type: 'picked' }, { type: 'packed' }, { type: 'shipped', carrier: 'DHL', trackingNumber: f.fulfillmentId }, { type: 'delivered' }] as const) {
          await split.executeUpdate(eventUpdate, { args: [{ ...event, fulfillmentId: f.fulfillmentId }] });
        }
      }
      expect((await split.result()).status).toBe('delivered');
      await save('order-split-delivered', split);

      const { skus: [c] } = await manual.seed({ warehouses: 2, skus: 1, stock: [[5], [5]] });
      const rejected = await manual.startOrder(orderInput({ orderId: 'replay-rejected', lines: [{ sku: c, quantity: 2 }] }));
      await manual.waitForStatus(rejected, 'picking');
      await rejected.executeUpdate(eventUpdate, { args: [{ type: 'rejected', reason: 'full' }] });
      await manual.waitForStatus(rejected, 'picking');
      await rejected.executeUpdate(cancelUpdate, { args: [{ reason: 'recorded' }] });
      await save('order-rejected-rerouted-cancelled', rejected);

      const held = await manual.startOrder(orderInput({ orderId: 'replay-held', lines: [{ sku: c, quantity: 3 }] }));
      await manual.waitForStatus(held, 'picking');
      await held.executeUpdate(holdUpdate, { args: [{ holdId: 'h1', reason: 'fraud_check' }] });
      await held.executeUpdate(editUpdate, { args: [{ lines: [{ sku: c, quantity: 1 }] }] });
      await held.executeUpdate(releaseHoldUpdate, { args: [{ holdId: 'h1' }] });
      await manual.waitForStatus(held, 'picking');
      await held.executeUpdate(cancelUpdate, { args: [{ reason: 'recorded' }] });
      await save('order-held-edited-cancelled', held);
    });

    it('records a reaper run up to its continue-as-new', async () => {
      const handle = await manual.client.workflow.start<typeof reaperWorkflow>('reaperWorkflow', {
        workflowId: `replay-reaper-${manual.taskQueue}`,
        taskQueue: manual.taskQueue,
        args: [{ intervalMs: 50, passesPerRun: 2 }],
      });
      // The first run ends by continuing as new; its history is the one to keep.
      const first = manual.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId, { followRuns: false });
      await first.result().catch(() => undefined);
      await save('reaper-run', first);
      await handle.terminate('recorded');
    });
  });

  it('replays every recorded history against the current workflow code', async () => {
    const files = [DIR, ...OLDER].flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => path.join(dir, f)));
    expect(files.length).toBeGreaterThanOrEqual(10);
    const histories = files.map((f) => ({ workflowId: path.relative(DIR, f), history: decodeHistory(readFileSync(f, 'utf8')) }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'determinism-guard' }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
  });
});
