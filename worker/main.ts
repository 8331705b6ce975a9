/**
 * Worker process entry: `node dist/worker/main.js` (N replicas). First makes sure the process
 * runs with few glibc malloc arenas (worker/malloc-arenas.ts: without MALLOC_ARENA_MAX it starts
 * itself again with it and relays); then runs the worker (worker/worker-process.ts). Loads
 * nothing else before that choice, so the relaying process stays small. Nothing imports this file.
 */
import { relaunchWithArenaLimit } from './malloc-arenas';

if (!relaunchWithArenaLimit()) void import('./worker-process');
