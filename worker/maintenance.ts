/** Wiring of the maintenance workflow into a worker (see workflows/maintenance/workflow.ts). */
import type { Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import { formatDuration } from '../config/duration';
import { createMaintenanceActivities, type MaintenanceDeps } from '../activities/maintenance-activities';
import type { maintenanceWorkflow } from '../workflows';
import { maintenanceWorkflowId } from '../workflows/maintenance/start-options';

export interface MaintenanceOptions {
  activities: ReturnType<typeof createMaintenanceActivities>;
  intervalMs: number;
}

export function maintenanceOptions(deps: MaintenanceDeps & { intervalMs: number }): MaintenanceOptions {
  return { activities: createMaintenanceActivities(deps), intervalMs: deps.intervalMs };
}

/** Starts `maintenance-<taskQueue>`, or joins the one already running (N replicas, one workflow). */
export async function startMaintenance(client: Client, taskQueue: string, intervalMs: number): Promise<string> {
  const workflowId = maintenanceWorkflowId(taskQueue);
  await client.workflow.start<typeof maintenanceWorkflow>('maintenanceWorkflow', {
    workflowId,
    taskQueue,
    args: [{ intervalMs }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    staticSummary: `Maintenance · deletes expired ledger idempotency records every ${formatDuration(intervalMs)}`,
  });
  return workflowId;
}
