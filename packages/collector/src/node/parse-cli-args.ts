import { parseArgs } from 'node:util';
import { CollectorError } from '../collector-error.js';

/** Start-up settings from flags, falling back to the environment. */
export interface CliArgs {
  help: boolean;
  port: number;
  /** Undefined: decided by the mode (127.0.0.1, or 0.0.0.0 in production). */
  host: string | undefined;
  dbPath: string;
  databaseUrl: string | undefined;
  configPath: string | undefined;
  writeKey: string | undefined;
  allowedOrigins: string[];
  adminToken: string | undefined;
  /** Requests per second per client IP; undefined when not given. */
  rateLimit: number | undefined;
  production: boolean;
}

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  db: { type: 'string' },
  'database-url': { type: 'string' },
  config: { type: 'string' },
  'write-key': { type: 'string' },
  'allowed-origin': { type: 'string', multiple: true },
  'admin-token': { type: 'string' },
  'rate-limit': { type: 'string' },
  production: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Reads `cairn-collector` flags (DESIGN.md); a flag wins over its environment variable.
 * Throws {@link CollectorError} `invalid_argument` for an unknown flag or a bad value.
 *
 * @example
 * parseCliArgs(['--port', '0', '--write-key', 'KEY'], {}) // { port: 0, writeKey: 'KEY', … }
 */
export function parseCliArgs(argv: readonly string[], env: Record<string, string | undefined>): CliArgs {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new CollectorError('invalid_argument', `${error instanceof Error ? error.message : String(error)} (see --help)`);
  }
  const envOrigins = (env.CAIRN_ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  const rateLimit = values['rate-limit'] ?? nonEmpty(env.CAIRN_RATE_LIMIT);
  return {
    help: values.help ?? false,
    port: toInteger(values.port ?? nonEmpty(env.PORT) ?? '8787', '--port', 0, 65535),
    host: values.host ?? nonEmpty(env.HOST),
    dbPath: values.db ?? './cairn.db',
    databaseUrl: values['database-url'] ?? nonEmpty(env.DATABASE_URL),
    configPath: values.config ?? nonEmpty(env.CAIRN_CONFIG),
    writeKey: values['write-key'] ?? nonEmpty(env.CAIRN_WRITE_KEY),
    allowedOrigins: values['allowed-origin'] ?? envOrigins,
    adminToken: values['admin-token'] ?? nonEmpty(env.CAIRN_ADMIN_TOKEN),
    rateLimit: rateLimit === undefined ? undefined : toInteger(rateLimit, '--rate-limit', 0, 1_000_000),
    production: (values.production ?? false) || env.NODE_ENV === 'production',
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function toInteger(text: string, flag: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || value < min || value > max) {
    throw new CollectorError('invalid_argument', `${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}
