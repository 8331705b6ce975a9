/**
 * The one logger of every process (API, worker, `npm start`): pino, one JSON object per line,
 * `level` as its name and `time` as ISO text so the lines read the same as before. Call sites use
 * the small `Logger` interface (message first, fields second); `pino` exposes the instance for
 * pino-http and the Temporal runtime.
 */
import { pino, stdSerializers, type DestinationStream, type Logger as Pino } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `bindings` to every line (e.g. the request id). */
  child(bindings: LogFields): Logger;
  readonly pino: Pino;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where a finished line goes (without its newline); defaults to stdout. */
  write?: (line: string) => void;
  /** Fields on every line. */
  base?: LogFields;
  /** Clock, for tests. */
  now?: () => Date;
}

/** Keeps `name` (pino's default drops it for `type`) so an error line says what it was. */
const serializeError = (value: unknown): unknown => (value instanceof Error ? { name: value.name, ...stdSerializers.err(value) } : value);

export function wrapPino(instance: Pino): Logger {
  const call = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    try {
      if (fields) instance[level](fields, msg);
      else instance[level](msg);
    } catch {
      // Logging must never break a request.
    }
  };
  return {
    debug: call('debug'),
    info: call('info'),
    warn: call('warn'),
    error: call('error'),
    child: (bindings) => wrapPino(instance.child(bindings)),
    pino: instance,
  };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const now = options.now ?? (() => new Date());
  const write = options.write;
  const destination: DestinationStream | undefined = write ? { write: (line: string) => write(line.replace(/\n$/, '')) } : undefined;
  const instance = pino(
    {
      level: options.level ?? 'info',
      base: { ...options.base },
      messageKey: 'msg',
      timestamp: () => `,"time":"${now().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: serializeError },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return wrapPino(instance);
}

/** Drops everything: for tests. */
export const silentLogger: Logger = wrapPino(pino({ level: 'silent' }));
