/** The shapes the e2e bench (e2e.ts) takes and returns, shared by its runs, its report and e2e-webhooks.ts. */
import type { Client } from '@temporalio/client';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Latencies } from './common';

export interface WorkerTuning {
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  /** Knex pool of the product worker's ledger. */
  poolMax: number;
  /**
   * Experiment: simulated adapters that answer at once without the heartbeat the product's
   * `heartbeatingWait` sends before every wait (even a 0 ms one).
   */
  noHeartbeat?: boolean;
}

export interface E2eOptions {
  client: Client;
  address: string;
  namespace: string;
  databaseUrl: string;
  orders: number;
  /** Workflow starts in flight at once. */
  startConcurrency: number;
  tuning: WorkerTuning;
  productBundle: WorkflowBundleWithSourceMap;
  noopBundle: WorkflowBundleWithSourceMap;
  timeoutMs?: number;
  log?: (line: string) => void;
  /** pid of the dev server, to account its CPU per workflow. */
  serverPid?: number;
}

export interface E2eRun {
  kind: 'order' | 'noop';
  n: number;
  completed: number;
  /** Workflows that did not end the way the run expects (order: delivered; noop: completed). */
  wrongEnd: number;
  seconds: number;
  perSecond: number;
  latencyMs: Latencies;
  historyEvents: { mean: number; min: number; max: number };
  /** Event types of one sample workflow's history, most frequent first. */
  sampleHistory: Record<string, number>;
  /** CPU ms per workflow: this process (client + worker), the dev server, and the Postgres backends of the run's database. */
  cpuMsPerWorkflow: { bench: number; server: number; postgres: number };
  /** Billable Temporal Cloud actions per workflow, counted from histories (bench/billable-actions.ts). */
  actions: { mean: number; byKind: Record<string, number> };
}

export interface E2eReport {
  /** The best round of each (see runE2eBench). */
  order: E2eRun;
  noop: E2eRun;
  /** The same 9 no-op steps with the order's mix of regular and local activities (HAPPY_PATH_SHAPE). */
  sameShape: E2eRun;
  /** The order with no record writes (BENCH_E2E_NO_RECORDS=1). */
  withoutRecords?: E2eRun;
  /** The order with the webhook loops beside its worker, with no subscription and with a dead one (BENCH_E2E_WEBHOOKS=1). */
  webhooks?: WebhooksE2e;
  /** completed/s of every round, in the order run. */
  rounds: { order: number[]; noop: number[]; sameShape: number[]; withoutRecords: number[] };
  /** order / sameShape: what the order costs beyond Temporal's own work for that shape. */
  sameShapeRatio: number;
  ratio: number;
  reconcile: { ok: boolean; problems: number };
  tuning: WorkerTuning;
  startConcurrency: number;
}

/** The dead subscription's outbox at the end of its run (after the dispatcher stopped). */
export interface OutboxCounts {
  /** Events written while the subscription existed (every type: each should have a delivery). */
  events: number;
  deliveries: number;
  pending: number;
  delivered: number;
  failed: number;
  /** Failed attempts, by what the dispatcher met. */
  attempts: { total: number; refused: number; answered500: number; other: number };
}

export interface WebhooksE2e {
  /** The best run of each. */
  none: E2eRun;
  dead: E2eRun;
  rounds: { none: number[]; dead: number[] };
  /** dead / none, best against best (as the other e2e ratios). */
  ratio: number;
  /** dead / none within each round. */
  pairRatios: number[];
  outbox: OutboxCounts[];
  /** Orders of every run of the pair (not only the best) that did not end delivered. */
  wrongEnd: number;
}
