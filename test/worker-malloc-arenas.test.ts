/**
 * The worker runs under few glibc malloc arenas (worker/malloc-arenas.ts, docs/scale.md): started
 * without MALLOC_ARENA_MAX it starts itself again with it and relays; an operator's value, or
 * WORKER_MALLOC_ARENA_MAX=0, leaves the one process alone; the relaunched worker dies with its
 * relay, so a kill -9 leaves no orphan polling the task queue.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { wantedMallocArenaMax } from '../config/malloc';
import { eventually, uniqueTaskQueue } from './support/temporal';
import { exitOf, spawnWorkerProcess } from './support/worker-process';

function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const environ = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};
const running = (output: () => string) => eventually(async () => (/"worker running"/.test(output()) ? output() : undefined), 60_000);

describe('worker: glibc malloc arenas', () => {
  it('MALLOC_ARENA_MAX to set: none when set already or WORKER_MALLOC_ARENA_MAX=0; a bad value left to the config', () => {
    expect(wantedMallocArenaMax({})).toBe(2);
    expect(wantedMallocArenaMax({ WORKER_MALLOC_ARENA_MAX: '4' })).toBe(4);
    expect(wantedMallocArenaMax({ WORKER_MALLOC_ARENA_MAX: '0' })).toBeUndefined();
    expect(wantedMallocArenaMax({ MALLOC_ARENA_MAX: '8' })).toBeUndefined();
    expect(wantedMallocArenaMax({ WORKER_MALLOC_ARENA_MAX: 'many' })).toBeUndefined();
  });

  it('started without MALLOC_ARENA_MAX, the worker runs as a child with it, and dies with its relay', async () => {
    const relay = spawnWorkerProcess(uniqueTaskQueue('arenas'), { LOG_LEVEL: 'info' });
    try {
      const log = await running(relay.output);
      expect(log).toMatch(/"mallocArenaMax":"2"/);
      const [worker] = childrenOf(relay.pid!);
      expect(worker).toBeDefined();
      expect(environ(worker)).toContain('MALLOC_ARENA_MAX=2');
      expect(environ(relay.pid!)).not.toContain('MALLOC_ARENA_MAX=2');

      relay.kill('SIGKILL');
      await exitOf(relay);
      await eventually(async () => (alive(worker) ? undefined : true), 10_000);
    } finally {
      relay.kill('SIGKILL');
    }
  }, 90_000);

  it.each([
    ['MALLOC_ARENA_MAX set by the operator', { MALLOC_ARENA_MAX: '4' }, '"mallocArenaMax":"4"'],
    ['WORKER_MALLOC_ARENA_MAX=0', { WORKER_MALLOC_ARENA_MAX: '0' }, `"mallocArenaMax":"glibc's default"`],
  ])('%s: one process, no relay', async (_name, env, logged) => {
    const worker = spawnWorkerProcess(uniqueTaskQueue('arenas'), { LOG_LEVEL: 'info', ...env });
    try {
      expect(await running(worker.output)).toContain(logged);
      expect(childrenOf(worker.pid!)).toEqual([]);
      worker.kill('SIGTERM');
      expect(await exitOf(worker)).toBe(0);
    } finally {
      worker.kill('SIGKILL');
    }
  }, 90_000);
});
