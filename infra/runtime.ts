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
      ? {
          metrics: {
            prometheus: {
              bindAddress: opts.metricsBindAddress,
              countersTotalSuffix: true,
              useSecondsForDurations: true,
              // Orders wait in a status for minutes to days, not the default's milliseconds.
              histogramBucketOverrides: {
                fulfillment_order_step_duration: [1, 10, 60, 300, 900, 3_600, 14_400, 43_200, 86_400, 259_200, 604_800],
                fulfillment_ledger_reservation_latency: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
              },
            },
          },
        }
      : undefined,
    // The entry points handle SIGINT/SIGTERM themselves to drain HTTP first.
    shutdownSignals: [],
  });
}
