/** Fields beside `msg`; values must be JSON-serializable. */
export type LogFields = Record<string, unknown>;

/** Where the collector reports; the CLI prints JSON lines, tests capture records. */
export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export interface JsonLoggerOptions {
  /** Receives each finished line (without the newline). Default: `console.log`. */
  write?: (line: string) => void;
  /** Clock for the `time` field, in epoch milliseconds. */
  now?: () => number;
}

/**
 * A logger printing one JSON object per line:
 * `{"time": ISO, "level": "info"|"warn"|"error", "msg": "...", ...fields}`.
 *
 * @example
 * const logger = createJsonLogger({ write: (line) => process.stdout.write(line + '\n') });
 * logger.info('ready', { url: 'http://127.0.0.1:8787' });
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string) => console.log(line));
  const now = options.now ?? Date.now;
  const log = (level: 'info' | 'warn' | 'error', msg: string, fields: LogFields = {}) => {
    // time/level/msg lead the line and cannot be overridden by fields: log shippers rely on them.
    const { time: _time, level: _level, msg: _msg, ...rest } = fields;
    write(JSON.stringify({ time: new Date(now()).toISOString(), level, msg, ...rest }));
  };
  return {
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
  };
}

/**
 * Flattens an error for a log line (name, message, code, stack, and its `cause` chain), since
 * JSON drops Error fields.
 *
 * @example
 * logger.error('store write failed', { error: describeError(e) });
 */
export function describeError(error: unknown, depth = 0): Record<string, unknown> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const cause = depth < 3 && error.cause !== undefined ? { cause: describeError(error.cause, depth + 1) } : {};
    return { name: error.name, message: error.message, ...(code === undefined ? {} : { code }), stack: error.stack, ...cause };
  }
  return { message: String(error) };
}
