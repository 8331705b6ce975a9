/** Stopping a process in order on SIGTERM/SIGINT, and closing what it holds without throwing. */
import type { Logger } from './logger';

/**
 * Runs `stop` once on the first SIGTERM/SIGINT (or a call of the returned function), then exits:
 * 0 when it finished, 1 when it threw or took longer than `forceAfterMs`.
 */
export function onShutdown(log: Logger, forceAfterMs: number, stop: (reason: string) => Promise<void>): (reason: string) => void {
  let stopping = false;
  const trigger = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { reason });
    setTimeout(() => {
      log.error('shutdown took too long: exiting', { forceAfterMs });
      process.exit(1);
    }, forceAfterMs).unref();
    stop(reason).then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => trigger('SIGTERM'));
  process.on('SIGINT', () => trigger('SIGINT'));
  return trigger;
}

export async function closeQuietly(log: Logger, what: string, close: () => Promise<unknown>): Promise<void> {
  try {
    await close();
  } catch (err) {
    log.warn(`could not close the ${what}`, { err });
  }
}
