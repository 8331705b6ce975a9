/** How the maintenance workflow is started: its id (one per task queue) and its input. Pure. */

export interface MaintenanceInput {
  intervalMs: number;
  /** Passes before continue-as-new (default 100; earlier when the server suggests it). */
  passesPerRun?: number;
}

export const maintenanceWorkflowId = (taskQueue: string): string => `maintenance-${taskQueue}`;
