/**
 * Housekeeping activities run by the maintenance workflow. The retention comes from the
 * worker's configuration (not the workflow input), so a changed IDEMPOTENCY_RETENTION
 * applies from the next deploy without restarting the workflow.
 */
import type { Knex } from 'knex';
import { deleteExpiredIdempotency, type CleanupResult } from '../ledger/idempotency-cleanup';

export interface MaintenanceDeps {
  knex: Knex;
  retentionMs: number;
  batchSize?: number;
}

export function createMaintenanceActivities(deps: MaintenanceDeps) {
  return {
    async expireIdempotencyRecords(): Promise<CleanupResult> {
      return deleteExpiredIdempotency(deps.knex, { retentionMs: deps.retentionMs, batchSize: deps.batchSize });
    },
  };
}

export type MaintenanceActivities = ReturnType<typeof createMaintenanceActivities>;
