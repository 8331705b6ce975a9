/**
 * Memory probe for the idle bench, loaded into the worker with `NODE_OPTIONS=--require <this>`.
 * Node runs preloaded modules in every thread, the SDK's workflow thread included, so each
 * isolate writes its own heap figures to `<MEMORY_PROBE_DIR>/<pid>-<threadId>.json` every second;
 * the bench adds them up and calls the rest of the RSS native (Rust core, malloc arenas, code).
 * A file `<dir>/gc-<n>` asks every isolate to run a full GC (it answers in its sample's `gcSeq`),
 * which tells live data from garbage. Bench-only: the product never loads it.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { threadId, isMainThread } from 'node:worker_threads';

const dir = process.env.MEMORY_PROBE_DIR;
if (dir) {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  let gcSeq = 0;
  const file = path.join(dir, `${process.pid}-${threadId}.json`);
  const sample = () => {
    const wanted = readdirSync(dir)
      .filter((f) => f.startsWith('gc-'))
      .map((f) => Number(f.slice(3)))
      .reduce((a, b) => Math.max(a, b), 0);
    if (wanted > gcSeq) {
      gc();
      gc();
      gcSeq = wanted;
    }
    const h = v8.getHeapStatistics();
    const m = process.memoryUsage();
    writeFileSync(
      file,
      JSON.stringify({
        pid: process.pid,
        threadId,
        main: isMainThread,
        at: Date.now(),
        gcSeq,
        heapPhysical: h.total_physical_size,
        heapUsed: h.used_heap_size,
        heapLimit: h.heap_size_limit,
        malloced: h.malloced_memory,
        external: h.external_memory,
        arrayBuffers: m.arrayBuffers,
        rss: m.rss,
      }),
    );
  };
  if (existsSync(dir)) setInterval(sample, 1_000).unref();
}
