/** How the reaper is started: its id (one per task queue) and its input, shared by the worker and the tests. Pure. */

export interface ReaperInput {
  /** Used until the first pass answers the worker's interval. */
  intervalMs: number;
  /** Passes before continue-as-new (default 100; earlier when the server suggests it). */
  passesPerRun?: number;
  /** Carried across continue-as-new: the last pass's watermark and count. */
  watermark?: string;
  pass?: number;
}

export const reaperWorkflowId = (taskQueue: string): string => `reaper-${taskQueue}`;
