import { Worker } from 'node:worker_threads';
import v8 from 'node:v8';
import { limitWorkflowThreadHeap } from '../worker/workflow-heap';

/** The heap limit (MiB) of a new worker thread, as the SDK's workflow thread is created. */
function threadHeapLimitMb(): Promise<number> {
  return new Promise((resolve, reject) => {
    const w = new Worker("require('node:worker_threads').parentPort.postMessage(require('node:v8').getHeapStatistics().heap_size_limit / 1048576)", { eval: true });
    w.once('message', (mb: number) => void w.terminate().then(() => resolve(mb)));
    w.once('error', reject);
  });
}

describe('the workflow thread heap cap (WORKER_WORKFLOW_HEAP_MB)', () => {
  it('bounds threads created after it and leaves the running main heap as it was', async () => {
    const mainBefore = v8.getHeapStatistics().heap_size_limit;
    limitWorkflowThreadHeap(192);
    const capped = await threadHeapLimitMb();
    // V8 adds its young generation to the old-space figure.
    expect(capped).toBeGreaterThanOrEqual(192);
    expect(capped).toBeLessThan(320);
    expect(v8.getHeapStatistics().heap_size_limit).toBe(mainBefore);
    limitWorkflowThreadHeap(512);
    expect(await threadHeapLimitMb()).toBeGreaterThan(capped);
  });

  it('leaves the flag alone when no limit is configured', async () => {
    const before = await threadHeapLimitMb();
    limitWorkflowThreadHeap(undefined);
    expect(await threadHeapLimitMb()).toBe(before);
  });
});
