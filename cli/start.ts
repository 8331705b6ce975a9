/**
 * `npm start` entry: the whole system in one process for a laptop (cli/start-process.ts). Like
 * the worker's entry, it first makes sure the process runs with few glibc malloc arenas (the
 * worker inside it is what needs them, worker/malloc-arenas.ts) and loads nothing else before
 * that choice, so the relaying process stays small. Nothing imports this file.
 */
import { relaunchWithArenaLimit } from '../worker/malloc-arenas';

if (!relaunchWithArenaLimit()) void import('./start-process');
