/**
 * WORKER_MALLOC_ARENA_MAX (docs/scale.md, "Idle orders"): how many glibc malloc arenas the
 * worker process runs with. Its zod schema is merged into config/config.ts's one schema (a bad
 * value fails the start like any other); the worker entry reads it on its own first, before the
 * rest of the configuration is loaded, because glibc reads MALLOC_ARENA_MAX only when a process
 * starts (worker/malloc-arenas.ts).
 */
import { z } from 'zod';

export const MALLOC_SHAPE = {
  // 2: the Rust core's and Node's threads share two arenas instead of glibc's 8 per core.
  WORKER_MALLOC_ARENA_MAX: z.coerce.number().int().min(0).max(64).default(2),
};

const schema = z.object(MALLOC_SHAPE);

/**
 * The MALLOC_ARENA_MAX the worker should be started with, or undefined when nothing is to be
 * done: the variable is set already (by the image, compose or the operator, who wins), or
 * WORKER_MALLOC_ARENA_MAX is 0 (glibc's default). A bad value is left to loadConfig to report.
 */
export function wantedMallocArenaMax(env: NodeJS.ProcessEnv): number | undefined {
  if (env.MALLOC_ARENA_MAX !== undefined && env.MALLOC_ARENA_MAX !== '') return undefined;
  const parsed = schema.safeParse(env);
  if (!parsed.success || parsed.data.WORKER_MALLOC_ARENA_MAX === 0) return undefined;
  return parsed.data.WORKER_MALLOC_ARENA_MAX;
}
