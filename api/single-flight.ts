/**
 * One expensive read at a time, shared (docs/design.md §20, "Hygiene": the reconciliation is a
 * full scan any read key may ask for). Callers asking the same question while a run is going,
 * or within `maxAgeMs` of its start, get that run's answer; a different question waits for the
 * running one to end, so at most one runs at a time. A failed run is not kept.
 */
export interface SingleFlight<K, T> {
  run(key: K): Promise<T>;
}

export function singleFlight<K, T>(opts: { work: (key: K) => Promise<T>; keyOf: (key: K) => string; maxAgeMs: number; now?: () => number }): SingleFlight<K, T> {
  const now = opts.now ?? Date.now;
  const recent = new Map<string, { startedAt: number; result: Promise<T> }>();
  // The tail of the queue: every run starts after the previous one settled.
  let last: Promise<unknown> = Promise.resolve();
  return {
    run(key) {
      const id = opts.keyOf(key);
      const at = now();
      for (const [k, entry] of recent) if (at - entry.startedAt > opts.maxAgeMs) recent.delete(k);
      const kept = recent.get(id);
      if (kept) return kept.result;
      const result = last.then(
        () => opts.work(key),
        () => opts.work(key),
      );
      last = result.catch(() => undefined);
      // Its age counts from when it was asked for: a queued run answers what was true by then or later.
      recent.set(id, { startedAt: at, result });
      result.catch(() => recent.get(id)?.result === result && recent.delete(id));
      return result;
    },
  };
}
