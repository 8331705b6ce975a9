/**
 * Baselines of the end-to-end bench: workflows of sequential no-op activities with the same
 * kind of options as the order's steps. Bundled by the bench worker (deterministic code only).
 */
import { proxyActivities, proxyLocalActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import { OrderStatusKey } from '../workflows/search-attributes';
import type { NoopActivities } from './noop-activities';

const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 8 };
const { noop } = proxyActivities<NoopActivities>({ startToCloseTimeout: '30s', retry });
const local = proxyLocalActivities<NoopActivities>({ startToCloseTimeout: '5s', localRetryThreshold: '500ms', retry });

/** The baseline: `steps` regular activities. */
export async function noopWorkflow(steps: number): Promise<number> {
  for (let i = 0; i < steps; i++) await noop(i);
  return steps;
}

/**
 * The same shape as the order's happy path: `shape` spells each step, R a regular activity,
 * L a local one (the order: validate L, reserve L, pick task, pick, pack, label R, commit L,
 * pickup, delivery R = 'LLRRRRLRR').
 */
export async function noopShapeWorkflow(shape: string): Promise<number> {
  for (let i = 0; i < shape.length; i++) await (shape[i] === 'L' ? local.noop(i) : noop(i));
  return shape.length;
}

/** Decomposition: the baseline plus one status upsert before each of the first `upserts` activities. */
export async function noopUpsertWorkflow(steps: number, upserts: number): Promise<number> {
  for (let i = 0; i < steps; i++) {
    if (i < upserts) upsertSearchAttributes([{ key: OrderStatusKey, value: `s${i}` }]);
    await noop(i);
  }
  return steps;
}
