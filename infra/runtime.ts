import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

const LEVELS: Record<string, LogLevel> = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

/**
 * Installs the Temporal runtime once per process, before any worker or native connection:
 * its logger level and, when a port is given, its Prometheus endpoint (SDK metrics plus the
 * workflow and activity metrics our code records through the runtime's meter).
 */
export function installRuntime(opts: { logLevel: string; metricsBindAddress?: string }): void {
  Runtime.install({
    logger: new DefaultLogger(LEVELS[opts.logLevel] ?? 'INFO'),
    telemetryOptions: opts.metricsBindAddress
      ? { metrics: { prometheus: { bindAddress: opts.metricsBindAddress, countersTotalSuffix: true, useSecondsForDurations: true } } }
      : undefined,
    // The entry points handle SIGINT/SIGTERM themselves to drain HTTP first.
    shutdownSignals: [],
  });
}
