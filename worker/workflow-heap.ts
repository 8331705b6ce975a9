/**
 * The heap of the SDK's workflow thread (where the sticky workflow cache lives). Node gives a
 * worker thread V8's default limit, from the machine's memory (4 GiB on an 8+ GiB machine), and
 * V8 lets a heap grow toward its limit before it collects hard: after an intake burst the
 * thread kept hundreds of MB of garbage and the worker's RSS grew with the orders it had
 * started, not with those it caches (BENCHMARKS.md, idle orders). The SDK exposes no
 * resourceLimits for that thread, but a new isolate reads V8's max-old-space-size flag when it
 * is created, so setting the flag before Worker.create bounds it. The process's main heap,
 * created already, keeps its own limit.
 */
import v8 from 'node:v8';

export function limitWorkflowThreadHeap(mb: number | undefined): void {
  if (mb === undefined) return;
  v8.setFlagsFromString(`--max-old-space-size=${Math.floor(mb)}`);
}
