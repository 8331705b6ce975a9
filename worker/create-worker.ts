import type { WarehouseSecretStore } from '../integrations/stored-secrets';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { WorkflowIdConflictPolicy, type Duration } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import type { Config } from '../config/config';
import type { Ledger } from '../ledger/types';
import { createActivities } from '../activities/order-activities';
import { createReaperActivities } from '../activities/reaper-activities';
import { createClosedOrdersCheck, createClosedOrdersFinder, type ClosedOrdersFinder } from '../clients/order-closed';
import { createClosedTransfersFinder } from '../clients/closed-transfers';
import type { OrderRecords, StockMotionRecords } from '../orders';
import { createReturnActivities } from '../activities/return-activities';
import type { ReturnRecords } from '../orders/returns';
import { createPurchaseOrderActivities } from '../activities/purchase-order-activities';
import { createTransferActivities } from '../activities/transfer-activities';
import { createOutboundClient, type OutboundClient } from '../integrations/outbound-http';
import { createConfiguredCarrierAdapter, createRoutedWarehouseAdapter, type CarrierAdapter, type WarehouseAdapter } from '../activities/adapters';
import { createStockWaker, type StockWaker } from '../clients/stock-waker';
import { silentLogger, type Logger } from '../platform/logger';
import type { reaperWorkflow } from '../workflows';
import { reaperWorkflowId, type ReaperInput } from '../workflows/reaper/start-options';
import { limitWorkflowThreadHeap } from './workflow-heap';
import { startMaintenance, type MaintenanceOptions } from './maintenance';

export interface CreateWorkerDeps {
  connection: NativeConnection;
  client: Client;
  namespace: string;
  taskQueue: string;
  ledger: Ledger;
  /** The order records the activities keep current; tests without records may leave it out. */
  records?: OrderRecords;
  /** The reaper's visibility query (tests count its calls); default: on `client`. */
  findClosedOrders?: ClosedOrdersFinder;
  /** A full reconciliation every this many reaper passes (default 20). */
  reaperFullSweepEvery?: number;
  /** The returns in those records (the return workflow's activities); tests without returns may leave it out. */
  returns?: ReturnRecords;
  /** Purchase-order and transfer records (their workflows' activities); tests without them may leave it out. */
  stockMotion?: StockMotionRecords;
  /** Called with the SKUs whose supply changed (promise dates); default none. */
  supplyChanged?: (skus: string[]) => void;
  config: Pick<Config, 'warehouseMode' | 'carrierMode' | 'simulatedDelayMs' | 'reaperIntervalMs'> & { integration?: Config['integration']; secrets?: Config['secrets']; outbound?: Config['outbound'] };
  /** Each HTTP warehouse's own signing secrets (docs/design.md §20); without it every warehouse is signed for with INTEGRATION_SECRET. */
  warehouseSecrets?: Pick<WarehouseSecretStore, 'signingSecretsFor'>;
  /** A pre-built bundle of `workflows/index.ts` (tests bundle once per file); default: bundle at start. */
  workflowBundle?: WorkflowBundle;
  /** Start (or join) the reaper workflow `reaper-<taskQueue>`. Default true. */
  startReaper?: boolean;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  /** Default: the SDK's, from the heap size. */
  maxCachedWorkflows?: number;
  /** The workflow thread's V8 heap limit in MB (worker/workflow-heap.ts); default V8's. */
  workflowHeapMb?: number;
  /** Replace the adapters chosen by warehouseMode / carrierMode (tests: failing or recording adapters). */
  adapters?: { warehouse?: WarehouseAdapter; carrier?: CarrierAdapter };
  /** How long an order whose workflow is not found must stay missing before the reaper counts it closed (default 10 min). */
  reaperNotFoundGraceMs?: number;
  /** Worker shutdown grace: activities still running after it are cancelled. */
  shutdownGraceTime?: Duration;
  /** The payload codec (PAYLOAD_ENCRYPTION_KEYS); the client passed in must carry the same. */
  dataConverter?: DataConverter;
  /** Wakes orders awaiting SKUs whose units an activity released; default: one on `client`. */
  stockWaker?: StockWaker;
  logger?: Logger;
  /** The transport to warehouses and the carrier; default one built from config.outbound. Tests inject a resolver through it. */
  outbound?: OutboundClient;
  /** Register the housekeeping activities and start (or join) `maintenance-<taskQueue>`. Off when absent. */
  maintenance?: MaintenanceOptions;
}

/**
 * The fulfillment worker: the order, return and reaper workflows, and the activities built from
 * the injected ledger and the adapters of the configured modes. Starts the reaper
 * workflow idempotently (fixed id, USE_EXISTING), so N replicas share one reaper.
 */
export async function createWorker(deps: CreateWorkerDeps): Promise<Worker> {
  const { config } = deps;
  const secret = config.integration?.secret;
  // One policed transport for the warehouses and the carrier (docs/design.md §20).
  const outbound = deps.outbound ?? (config.outbound ? createOutboundClient({ policy: config.outbound }) : undefined);
  const secrets = deps.warehouseSecrets;
  const warehouse =
    deps.adapters?.warehouse ??
    createRoutedWarehouseAdapter({
      mode: config.warehouseMode,
      simulatedDelayMs: config.simulatedDelayMs,
      listWarehouses: () => deps.ledger.listWarehouses(),
      secret,
      ownSecrets: secrets ? (warehouseId) => secrets.signingSecretsFor(warehouseId) : undefined,
      outbound,
    });
  // The carrier has its own secret when CARRIER_SECRET is set (docs/design.md §20).
  const carrier =
    deps.adapters?.carrier ??
    createConfiguredCarrierAdapter({ mode: config.carrierMode, simulatedDelayMs: config.simulatedDelayMs, url: config.integration?.carrierUrl, secret: config.secrets?.carrierSecret ?? secret, outbound });
  const waker =
    deps.stockWaker ??
    createStockWaker({ client: deps.client, taskQueue: deps.taskQueue, log: deps.logger ?? silentLogger, findWaiting: (sku) => deps.ledger.ordersAwaiting(sku) });
  const activities = createActivities({
    ledger: deps.ledger,
    warehouse,
    carrier,
    wakeStock: (skus) => waker.wake(skus),
    records: deps.records,
  });
  const reaper = createReaperActivities({
    ledger: deps.ledger,
    records: deps.records,
    findClosedSince: deps.findClosedOrders ?? createClosedOrdersFinder(deps.client, deps.namespace),
    isWorkflowClosed: createClosedOrdersCheck(deps.client, deps.namespace, { notFoundGraceMs: deps.reaperNotFoundGraceMs }),
    intervalMs: config.reaperIntervalMs,
    fullSweepEvery: deps.reaperFullSweepEvery,
    transfers: deps.stockMotion?.transfers,
    findClosedTransfersSince: deps.stockMotion ? createClosedTransfersFinder(deps.client, deps.namespace) : undefined,
  });
  const returnActivities = createReturnActivities({ ledger: deps.ledger, returns: deps.returns, wakeStock: (skus) => waker.wake(skus) });
  const motion = { wakeStock: (skus: string[]) => waker.wake(skus), supplyChanged: deps.supplyChanged };
  const purchaseOrderActivities = createPurchaseOrderActivities({ purchaseOrders: deps.stockMotion?.purchaseOrders, ...motion });
  const transferActivities = createTransferActivities({ transfers: deps.stockMotion?.transfers, ...motion });

  limitWorkflowThreadHeap(deps.workflowHeapMb);
  const worker = await Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: { ...activities, ...reaper, ...returnActivities, ...purchaseOrderActivities, ...transferActivities, ...(deps.maintenance?.activities ?? {}) },
    maxConcurrentActivityTaskExecutions: deps.maxConcurrentActivityTaskExecutions,
    maxConcurrentWorkflowTaskExecutions: deps.maxConcurrentWorkflowTaskExecutions,
    maxCachedWorkflows: deps.maxCachedWorkflows,
    shutdownGraceTime: deps.shutdownGraceTime ?? '10s',
    dataConverter: deps.dataConverter,
  });

  if (deps.maintenance) await startMaintenance(deps.client, deps.taskQueue, deps.maintenance.intervalMs);
  if (deps.startReaper ?? true) await startReaper(deps.client, deps.taskQueue, { intervalMs: config.reaperIntervalMs });
  return worker;
}

/** Starts `reaper-<taskQueue>`, or joins the one already running. Returns its workflow id. */
export async function startReaper(client: Client, taskQueue: string, input: ReaperInput): Promise<string> {
  const workflowId = reaperWorkflowId(taskQueue);
  await client.workflow.start<typeof reaperWorkflow>('reaperWorkflow', {
    workflowId,
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    staticSummary: `Reaper · releases stock held by closed orders every ${Math.round(input.intervalMs / 1000)} s`,
  });
  return workflowId;
}
