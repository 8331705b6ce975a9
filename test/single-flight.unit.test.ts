import { singleFlight } from '../api/single-flight';

/** A work function whose runs the test finishes by hand. */
function gatedWork() {
  const runs: Array<{ key: string; finish: (v: string) => void; fail: (e: Error) => void }> = [];
  let running = 0;
  let maxRunning = 0;
  const work = (key: string) =>
    new Promise<string>((resolve, reject) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      const done = () => running--;
      runs.push({ key, finish: (v) => (done(), resolve(v)), fail: (e) => (done(), reject(e)) });
    });
  return { runs, work, maxRunning: () => maxRunning };
}
const flush = () => new Promise((r) => setImmediate(r));

describe('singleFlight', () => {
  it('concurrent callers of one key share one run; within maxAge they get its result, after it a new run', async () => {
    let t = 0;
    const g = gatedWork();
    const sf = singleFlight({ work: g.work, keyOf: (k: string) => k, maxAgeMs: 5_000, now: () => t });
    const a = sf.run('all');
    const b = sf.run('all');
    await flush();
    expect(g.runs).toHaveLength(1);
    g.runs[0].finish('r1');
    expect(await Promise.all([a, b])).toEqual(['r1', 'r1']);
    t = 4_999;
    expect(await sf.run('all')).toBe('r1');
    expect(g.runs).toHaveLength(1);
    t = 5_001;
    const c = sf.run('all');
    await flush();
    expect(g.runs).toHaveLength(2);
    g.runs[1].finish('r2');
    expect(await c).toBe('r2');
  });

  it('different keys run one at a time, in order', async () => {
    const g = gatedWork();
    const sf = singleFlight({ work: g.work, keyOf: (k: string) => k, maxAgeMs: 5_000 });
    const a = sf.run('a');
    const b = sf.run('b');
    await flush();
    expect(g.runs.map((r) => r.key)).toEqual(['a']);
    g.runs[0].finish('ra');
    await a;
    await flush();
    expect(g.runs.map((r) => r.key)).toEqual(['a', 'b']);
    g.runs[1].finish('rb');
    expect(await b).toBe('rb');
    expect(g.maxRunning()).toBe(1);
  });

  it('a failed run is shared by its concurrent callers but not kept; the queue goes on', async () => {
    const g = gatedWork();
    const sf = singleFlight({ work: g.work, keyOf: (k: string) => k, maxAgeMs: 5_000 });
    const a = sf.run('x');
    const b = sf.run('x');
    await flush();
    g.runs[0].fail(new Error('pool exhausted'));
    await expect(a).rejects.toThrow('pool exhausted');
    await expect(b).rejects.toThrow('pool exhausted');
    const c = sf.run('x');
    await flush();
    expect(g.runs).toHaveLength(2);
    g.runs[1].finish('ok');
    expect(await c).toBe('ok');
  });
});
