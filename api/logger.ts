/**
 * A tiny structured logger: one JSON object per line. Injectable so tests pass a silent
 * one and the process entry passes one writing to stdout.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `bindings` to every line (e.g. the request id). */
  child(bindings: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where a finished line goes; defaults to stdout. */
  write?: (line: string) => void;
  /** Fields on every line. */
  base?: LogFields;
  /** Clock, for tests. */
  now?: () => Date;
}

/** Errors become plain fields (name, message, stack) rather than `{}`. */
function serialize(value: unknown): unknown {
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: value.message, stack: value.stack };
    const cause = (value as { cause?: unknown }).cause;
    if (cause !== undefined) out.cause = serialize(cause);
    return out;
  }
  return value;
}

function safeStringify(record: Record<string, unknown>): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(record, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return serialize(value);
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[circular]';
      seen.add(value);
    }
    return value;
  });
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const make = (bindings: LogFields): Logger => {
    const log = (level: LogLevel, msg: string, fields?: LogFields) => {
      if (RANK[level] < threshold) return;
      try {
        write(safeStringify({ time: now().toISOString(), level, msg, ...bindings, ...fields }));
      } catch {
        // Logging must never break a request.
      }
    };
    return {
      debug: (msg, fields) => log('debug', msg, fields),
      info: (msg, fields) => log('info', msg, fields),
      warn: (msg, fields) => log('warn', msg, fields),
      error: (msg, fields) => log('error', msg, fields),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return make({ ...options.base });
}

/** Drops everything: for tests. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
