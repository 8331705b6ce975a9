/** The fulfillment worker of a process (worker/main.ts, cli/start.ts) on its own native connection. */
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Config } from '../config/config';
import type { Logger } from '../infra/logger';
import { closeQuietly, type CoreServices } from '../infra/services';
import { dataConverter } from '../infra/payload-codec';
import { connectionOptions } from '../infra/temporal-connection';
import { maintenanceOptions } from './maintenance';
import { startWebhookLoops } from '../webhooks/loops';
import { createWorker } from './create-worker';

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
  const worker = await createWorker({
    connection: workerConnection,
    client: core.client,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    ledger: core.ledger,
    records: core.records,
    returns: core.returns,
    config,
    shutdownGraceTime: config.shutdownGraceMs,
    maxCachedWorkflows: config.workerMaxCachedWorkflows,
    workflowHeapMb: config.workerWorkflowHeapMb,
    logger: log,
    dataConverter: dataConverter(config.security.encryptionKeys),
    maintenance: maintenanceOptions({ knex: core.knex, retentionMs: config.idempotency.retentionMs, intervalMs: config.idempotency.cleanupIntervalMs }),
  });
  const running = worker.run();
  // Beside the Temporal worker, not inside it: see webhooks/loops.ts.
  const webhookLoops = startWebhookLoops(core.knex, config.webhooks);
  return {
    worker,
    running,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch((err: unknown) => log.error('worker failed', { err }));
      await webhookLoops.stop();
      await closeQuietly(log, 'worker connection', () => workerConnection.close());
    },
  };
}

