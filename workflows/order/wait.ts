/**
 * Waiting on the physical world: a wait activity runs in its own cancellable scope while the
 * order waits until the step is done (by the activity or by an event), its deadline passes, or
 * something stops it (cancel, hold, rejection); the activity is cancelled when the step ends
 * another way. An activity that fails for good fails the step.
 *
 * The deadline: while the activity runs, its schedule-to-close timeout is the deadline (the
 * server enforces it like a timer, also with no worker up); once the activity has answered that
 * the world reports by event (manual mode), or the server stopped retrying it for lack of time,
 * a timer covers what is left. A step that the activity finishes thus costs no timer.
 *
 * A peer known to report by event (wait-by-event, patches.ts) gets no wait activity at all: its
 * answer would only be "not yet". The deadline is then a timer from the start (none for a wait
 * without one), and the event ends the wait.
 */
import { CancellationScope, condition, isCancellation, patched, type ActivityOptions } from '@temporalio/workflow';
import type { Completion } from '../../activities/adapters/types';
import { WAIT } from './activity-options';
import { describeFailure, outOfTime, StepFailed } from './failures';
import { CANCEL_OUTRUN_BY_PARCEL } from './patches';

export type WaitOutcome = 'done' | 'timeout' | 'stop';

export interface WaitSpec {
  step: string;
  summary: string;
  /** The wait activity; none when the peer reports by event. */
  run?: (options: ActivityOptions) => Promise<Completion>;
  onCompleted: () => void;
  done: () => boolean;
  stop: () => boolean;
  timeoutMs?: number;
  timeoutSummary?: string;
  /** When done and stop coincide, done wins (the parcel has left: a cancel can no longer undo it). */
  doneWins?: boolean;
}

export async function waitFor(spec: WaitSpec): Promise<WaitOutcome> {
  if (!spec.run) return waitForEvent(spec);
  const { timeoutMs } = spec;
  const scope = new CancellationScope();
  let settled = false;
  let failure: unknown;
  const options: ActivityOptions = { ...WAIT, summary: spec.summary };
  if (timeoutMs !== undefined) options.scheduleToCloseTimeout = timeoutMs;
  const run = spec.run;
  // One .then with both handlers (no .finally): every promise costs the SDK a stack capture.
  const settlement = scope
    .run(() => run(options))
    .then(
      (r) => {
        settled = true;
        if (r.completed) spec.onCompleted();
      },
      (err) => {
        settled = true;
        // Out of time is the deadline's business (below), not a failed step.
        if (!isCancellation(err) && !(timeoutMs !== undefined && outOfTime(err))) failure = err;
      },
    );
  const wake = () => spec.done() || spec.stop() || failure !== undefined;
  let inTime = true;
  try {
    if (timeoutMs === undefined) {
      await condition(wake);
    } else {
      const deadline = Date.now() + timeoutMs;
      await condition(() => wake() || settled);
      if (!wake()) {
        const left = deadline - Date.now();
        inTime = left > 0 && (await condition(wake, left, { summary: spec.timeoutSummary ?? 'deadline' }));
      }
    }
  } finally {
    if (!settled) scope.cancel();
  }
  const stop = spec.stop();
  if (stop && spec.doneWins && !settled && !spec.done()) {
    // The activation that brought the stop may also have brought the activity's result, whose
    // callback runs only after this one: settle first (a pending wait is cancelled at once,
    // TRY_CANCEL), so a parcel the carrier already took is seen as taken.
    await settlement;
    if (spec.done() && patched(CANCEL_OUTRUN_BY_PARCEL)) return 'done';
    return 'stop';
  }
  if (spec.done() && (spec.doneWins || !stop)) return 'done';
  if (stop) return 'stop';
  if (failure !== undefined) throw new StepFailed(describeFailure(spec.step, failure));
  if (!inTime) return 'timeout';
  return 'done';
}

/** The wait of a peer that reports by event: the event, a stop or the deadline's timer ends it. */
async function waitForEvent(spec: WaitSpec): Promise<WaitOutcome> {
  const wake = () => spec.done() || spec.stop();
  const inTime = spec.timeoutMs === undefined ? (await condition(wake), true) : await condition(wake, spec.timeoutMs, { summary: spec.timeoutSummary ?? 'deadline' });
  const stop = spec.stop();
  // A parcel whose shipped event came with a cancel in one activation has left: done wins.
  if (spec.done() && (spec.doneWins || !stop)) return 'done';
  if (stop) return 'stop';
  return inTime ? 'done' : 'timeout';
}
