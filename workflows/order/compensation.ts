/**
 * The undo stack. Each step registers its undo before it makes the call, since the call's
 * answer can be lost: an undo knows how to confirm what the call did (by replaying it under
 * the same key) before undoing it. Undos run last-in first-out, each in its own try, in a
 * non-cancellable scope; one that fails for good is recorded and the others still run.
 */
import { CancellationScope, log } from '@temporalio/workflow';
import type { OrderError } from '../../domain/types';

export interface Undo {
  name: string;
  run: () => Promise<void>;
}

export type UndoStack = Undo[];

export function pushUndo(stack: UndoStack, name: string, run: () => Promise<void>): void {
  stack.push({ name, run });
}

/** Drops an undo whose reason went away (the step finished for good, or was undone already). */
export function dropUndo(stack: UndoStack, name: string): void {
  const i = stack.map((u) => u.name).lastIndexOf(name);
  if (i >= 0) stack.splice(i, 1);
}

export const hasUndo = (stack: UndoStack, name: string): boolean => stack.some((u) => u.name === name);

/** Runs and empties the stack; returns the failures (already logged). */
export async function unwind(stack: UndoStack, describe: (step: string, err: unknown) => OrderError, orderId: string): Promise<OrderError[]> {
  const failures: OrderError[] = [];
  await CancellationScope.nonCancellable(async () => {
    while (stack.length > 0) {
      const undo = stack.pop()!;
      try {
        await undo.run();
      } catch (err) {
        const error = describe(undo.name, err);
        failures.push(error);
        log.error('compensation failed', { orderId, step: undo.name, error });
      }
    }
  });
  return failures;
}

/** Runs one named undo now (a hold cancels the pick task) and removes it. */
export async function undoNow(stack: UndoStack, name: string): Promise<void> {
  const i = stack.map((u) => u.name).lastIndexOf(name);
  if (i < 0) return;
  const [undo] = stack.splice(i, 1);
  await CancellationScope.nonCancellable(() => undo.run());
}
