import { performance } from 'node:perf_hooks';

export interface LoadFigures {
  operations: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function figures(latenciesMs: number[], seconds: number): LoadFigures {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const total = sorted.reduce((t, x) => t + x, 0);
  return {
    operations: sorted.length,
    seconds,
    perSecond: sorted.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: sorted.length ? total / sorted.length : NaN,
  };
}

/**
 * Closed loop like pgbench: `clients` loops each issue the next operation as soon as the
 * previous one returns. A warm-up runs first (connections, plan caches) and is not counted.
 */
export async function closedLoop(
  clients: number,
  seconds: number,
  op: (client: number, n: number) => Promise<void>,
  warmupSeconds = 1,
): Promise<LoadFigures> {
  const latencies: number[] = [];
  const start = performance.now();
  const measureFrom = start + warmupSeconds * 1000;
  const stopAt = measureFrom + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let n = 0; performance.now() < stopAt; n++) {
        const t0 = performance.now();
        await op(client, n);
        const t1 = performance.now();
        if (t0 >= measureFrom && t1 <= stopAt) latencies.push(t1 - t0);
      }
    }),
  );
  return figures(latencies, seconds);
}
