/** The e2e bench's runs: the order on the product's worker, and the no-op baselines beside it. */
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Knex } from 'knex';
import { simulatedCarrier, simulatedWarehouse, type CarrierAdapter, type WarehouseAdapter } from '../activities/adapters';
import { decodePayload } from '../platform/payload';
import type { Ledger } from '../ledger/types';
import { createWorker } from '../worker/create-worker';
import { createRecordsWithEvents } from '../app/order-records';
import type { orderWorkflow } from '../workflows';
import { orderStartOptions } from '../workflows/order/start-options';
import type { OrderInput } from '../domain/types';
import { hex } from './common';
import { noopActivities } from './noop-activities';
import type { noopShapeWorkflow, noopWorkflow } from './noop-workflows';
import type { E2eOptions, E2eRun } from './e2e-types';
import { measure, runWorker } from './e2e-measure';

/**
 * The order's happy path (see workflows/order/fulfillment/branch.ts), one letter per activity in order:
 * L local (the ledger steps validate, reserve, commit), R regular.
 */
export const HAPPY_PATH_SHAPE = 'LLRRRRLRR';
export const HAPPY_PATH_ACTIVITIES = HAPPY_PATH_SHAPE.length;

export function benchOrderInput(orderId: string, sku: string): OrderInput {
  const long = 3_600_000;
  return {
    orderId,
    channel: 'bench',
    customer: { id: `cust-${orderId.slice(-3)}` },
    shippingAddress: { name: 'Bench', line1: 'Dam 1', city: 'Amsterdam', postalCode: '1012', country: 'NL' },
    lines: [{ sku, quantity: 1 }],
    shippingMethod: 'standard',
    timeouts: { backorderMs: long, pickMs: long, packMs: long, deliveryMs: long, attentionMs: long },
  };
}

/** Baseline variants: `shape` = the order's mix of regular (R) and local (L) activities; the others decompose the order's extra cost. */
export interface NoopVariant {
  shape?: string;
  orderStart?: boolean;
  upserts?: number;
}

export async function runNoop(opts: E2eOptions, connection: NativeConnection, variant?: NoopVariant): Promise<E2eRun> {
  const taskQueue = `bench-e2e-noop-${hex()}`;
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue,
    workflowBundle: opts.noopBundle,
    activities: noopActivities,
    maxConcurrentActivityTaskExecutions: opts.tuning.maxConcurrentActivityTaskExecutions,
    maxConcurrentWorkflowTaskExecutions: opts.tuning.maxConcurrentWorkflowTaskExecutions,
    shutdownGraceTime: '2s',
  });
  return runWorker(worker, () =>
    measure(
      opts,
      'noop',
      taskQueue,
      (id) => {
        if (!variant) {
          return opts.client.workflow.start<typeof noopWorkflow>('noopWorkflow', {
            workflowId: `noop-${taskQueue}-${id}`,
            taskQueue,
            args: [HAPPY_PATH_ACTIVITIES],
          });
        }
        if (variant.shape) {
          return opts.client.workflow.start<typeof noopShapeWorkflow>('noopShapeWorkflow', {
            workflowId: `noop-${taskQueue}-${id}`,
            taskQueue,
            args: [variant.shape],
          });
        }
        const o = variant.orderStart ? orderStartOptions(benchOrderInput(`${taskQueue}-${id}`, 'X'), taskQueue) : undefined;
        return opts.client.workflow.start('noopUpsertWorkflow', {
          ...(o ? { typedSearchAttributes: o.typedSearchAttributes, staticSummary: o.staticSummary, staticDetails: o.staticDetails, memo: { requestHash: 'x'.repeat(64) } } : {}),
          workflowId: `noop-${taskQueue}-${id}`,
          taskQueue,
          args: [HAPPY_PATH_ACTIVITIES, variant.upserts ?? 0],
        });
      },
      (i) => i.status === 2 /* COMPLETED */,
    ),
  );
}

/** The simulated adapters with every wait answered at once (no heartbeat, no sleep). */
function instantAdapters(): { warehouse: WarehouseAdapter; carrier: CarrierAdapter } {
  const done = async () => ({ completed: true });
  return {
    warehouse: { ...simulatedWarehouse({ delayMs: 0 }), awaitPick: done, pack: done },
    carrier: { ...simulatedCarrier({ delayMs: 0 }), awaitPickup: done, awaitDelivery: done },
  };
}

/** `onStart` sees every order id (warm-up `warm-<i>`, measured `m-<i>`) as its start is sent. */
export async function runOrders(
  opts: E2eOptions,
  connection: NativeConnection,
  ledger: Ledger,
  sku: string,
  knex?: Knex,
  withRecords = true,
  onStart?: (id: string) => void,
): Promise<E2eRun> {
  const taskQueue = `bench-e2e-order-${hex()}`;
  const worker = await createWorker({
    connection,
    client: opts.client,
    namespace: opts.namespace,
    taskQueue,
    ledger,
    // The order records (and the webhook outbox rows each change writes) are part of an order's cost.
    records: knex && withRecords ? createRecordsWithEvents(knex, 'bench-e2e-cursor-secret') : undefined,
    config: { warehouseMode: 'simulated', carrierMode: 'simulated', simulatedDelayMs: 0, reaperIntervalMs: 3_600_000 },
    workflowBundle: opts.productBundle,
    startReaper: false,
    adapters: opts.tuning.noHeartbeat ? instantAdapters() : undefined,
    maxConcurrentActivityTaskExecutions: opts.tuning.maxConcurrentActivityTaskExecutions,
    maxConcurrentWorkflowTaskExecutions: opts.tuning.maxConcurrentWorkflowTaskExecutions,
    shutdownGraceTime: '2s',
  });
  return runWorker(worker, () =>
    measure(
      opts,
      'order',
      taskQueue,
      (id) => {
        onStart?.(id);
        const o = orderStartOptions(benchOrderInput(`${taskQueue}-${id}`, sku), taskQueue);
        return opts.client.workflow.start<typeof orderWorkflow>('orderWorkflow', o);
      },
      (i) => i.status === 2 && decodePayload(i.searchAttributes?.indexedFields?.OrderStatus) === 'delivered',
      knex,
    ),
  );
}
