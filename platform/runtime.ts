import type { LogLevel as TemporalLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { LogLevel, Logger } from './logger';

const TEMPORAL_LEVELS: Record<LogLevel, TemporalLevel> = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

/** The SDK's logger interface over ours, so the worker's lines (and core's, forwarded) land in the same pino stream. */
export function temporalLogger(log: Logger): TemporalLogger {
  const at = (level: TemporalLevel, message: string, meta?: LogMetadata) => {
    const fields = meta ? { ...meta } : undefined;
    if (level === 'ERROR') log.error(message, fields);
    else if (level === 'WARN') log.warn(message, fields);
    else if (level === 'INFO') log.info(message, fields);
    else log.debug(message, fields);
  };
  return {
    log: at,
    trace: (m, meta) => at('TRACE', m, meta),
    debug: (m, meta) => at('DEBUG', m, meta),
    info: (m, meta) => at('INFO', m, meta),
    warn: (m, meta) => at('WARN', m, meta),
    error: (m, meta) => at('ERROR', m, meta),
  };
}

/**
 * Installs the Temporal runtime once per process, before any worker or native connection:
 * its logger level and, when a port is given, its Prometheus endpoint (SDK metrics plus the
 * workflow and activity metrics our code records through the runtime's meter).
 */
export function installRuntime(opts: { logger: Logger; logLevel: LogLevel; metricsBindAddress?: string }): void {
  const level = TEMPORAL_LEVELS[opts.logLevel];
  Runtime.install({
    logger: temporalLogger(opts.logger.child({ component: 'temporal' })),
    telemetryOptions: {
      // Core (Rust) lines too, at the same level, into the same logger.
      logging: { filter: { core: level, other: level }, forward: {} },
      ...(opts.metricsBindAddress
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
        : {}),
    },
    // The entry points handle SIGINT/SIGTERM themselves to drain HTTP first.
    shutdownSignals: [],
  });
}
