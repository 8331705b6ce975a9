/**
 * The worker process under glibc's malloc with few arenas (docs/scale.md, "Idle orders").
 *
 * glibc gives every thread that allocates while the others hold the lock an arena of its own,
 * up to 8 per core, and returns little of an arena's freed memory to the system. The worker has
 * ~17 threads (Node's, the SDK's workflow thread, the Rust core's tokio threads), so after an
 * intake burst it held 16 arenas of ~12 MB resident each, ~200 MB that no heap snapshot shows.
 * MALLOC_ARENA_MAX bounds them, but glibc reads it only when the process starts: a worker
 * started without it starts itself again with it, and the first process only relays signals
 * and the exit code (the image and compose set the variable, so there it runs once).
 *
 * The relaunched worker holds an IPC channel to its parent: if the parent dies without relaying
 * (kill -9), the channel closes and the worker kills itself the same way, so no orphan worker
 * keeps polling.
 */
import { spawn } from 'node:child_process';
import { wantedMallocArenaMax } from '../config/malloc';

const RELAYED: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/** glibc's version, or undefined under another C library (musl: MALLOC_ARENA_MAX means nothing there). */
function glibc(): string | undefined {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime;
}

/**
 * True when this process has started the real worker as its child and is now only its relay;
 * false when this process is to run the worker itself.
 */
export function relaunchWithArenaLimit(): boolean {
  if (process.connected && process.env.MALLOC_ARENA_MAX !== undefined) {
    // The relaunched worker: die with the parent.
    process.channel?.unref();
    process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
    return false;
  }
  const arenas = wantedMallocArenaMax(process.env);
  if (arenas === undefined || glibc() === undefined) return false;

  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env: { ...process.env, MALLOC_ARENA_MAX: String(arenas) },
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  for (const signal of RELAYED) process.on(signal, () => child.kill(signal));
  child.once('error', (err) => {
    process.stderr.write(`worker: could not start with MALLOC_ARENA_MAX=${arenas}: ${err.message}\n`);
    process.exit(1);
  });
  child.once('exit', (code, signal) => {
    if (signal) {
      for (const s of RELAYED) process.removeAllListeners(s);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
  return true;
}
