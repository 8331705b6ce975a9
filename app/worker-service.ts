/** The fulfillment worker of a process (worker/main.ts, cli/start.ts) on its own native connection. */
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Config } from '../config/config';
import type { Logger } from '../platform/logger';
import { closeQuietly } from '../platform/shutdown';
import type { CoreServices } from './services';
import { dataConverter } from '../platform/payload-codec';
import { connectionOptions } from '../platform/temporal-connection';
import { maintenanceOptions } from '../worker/maintenance';
import { startWebhookLoops } from '../webhooks/loops';
import { createOutboundClient } from '../integrations/outbound-http';
import { warehouseSecretStore } from '../integrations/stored-secrets';
import { createWorker } from '../worker/create-worker';
import { startPromiseLoop } from './promise-loop';
import { emitDocumentEvents } from './stock-motion-records';

export interface WorkerService {
  worker: Worker;
  /** Resolves once the worker stopped (after shutdown() drained it); rejects when it failed. */
  running: Promise<void>;
  /** Drains the worker and closes its connection. */
  stop(): Promise<void>;
}

/** The fulfillment worker of `config`, running. */
export async function startWorkerService(config: Config, core: CoreServices, log: Logger): Promise<WorkerService> {
  const workerConnection = await NativeConnection.connect(connectionOptions(config.temporal));
  // One policed transport for webhooks, warehouses and the carrier (docs/design.md §20).
  const outbound = createOutboundClient({ policy: config.outbound });
  const worker = await createWorker({
    outbound,
    connection: workerConnection,
    client: core.client,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    ledger: core.ledger,
    records: core.records,
    stockWaker: core.stockWaker,
    returns: core.returns,
    stockMotion: core.stockMotion,
    config,
    warehouseSecrets: warehouseSecretStore(core.knex, config.secrets.key),
    shutdownGraceTime: config.shutdownGraceMs,
    maxCachedWorkflows: config.workerMaxCachedWorkflows,
    workflowHeapMb: config.workerWorkflowHeapMb,
    logger: log,
    dataConverter: dataConverter(config.security.encryptionKeys),
    maintenance: maintenanceOptions({ knex: core.knex, retentionMs: config.idempotency.retentionMs, intervalMs: config.idempotency.cleanupIntervalMs }),
  });
  const running = worker.run();
  // Beside the Temporal worker, not inside it: see webhooks/loops.ts.
  const webhookLoops = startWebhookLoops(core.knex, { ...config.webhooks, secretsKey: config.secrets.key }, undefined, outbound);
  const promises = startPromiseLoop({ knex: core.knex, intervalMs: config.promiseIntervalMs, emit: emitDocumentEvents, log });
  return {
    worker,
    running,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch((err: unknown) => log.error('worker failed', { err }));
      await webhookLoops.stop();
      await promises.stop();
      outbound.close();
      await closeQuietly(log, 'worker connection', () => workerConnection.close());
    },
  };
}

