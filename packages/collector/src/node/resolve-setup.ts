import { CollectorError } from '../collector-error.js';
import type { LogFields } from '../logger.js';
import type { SourceConfig } from '../source-config.js';
import { loadConfig, type FileConfig } from './load-config.js';
import type { CliArgs } from './parse-cli-args.js';

/** Write key accepted in development mode (no key, no config); printed at start. */
export const DEV_WRITE_KEY = 'cairn-dev';
/** Source name of the one-site setup (`--write-key`) and of development mode. */
export const DEFAULT_SOURCE_NAME = 'default';

/** Everything the Node entry needs to start, with the warnings to log first. */
export interface Setup {
  mode: 'development' | 'one-site' | 'config';
  production: boolean;
  sources: SourceConfig[];
  host: string;
  port: number;
  dbPath: string;
  adminToken: string | undefined;
  warnings: { msg: string; fields: LogFields }[];
}

/**
 * Turns flags (and the config file, if any) into a start-up setup, refusing combinations that
 * cannot be right: `--config` with one-site flags, `--database-url` (PostgreSQL is not
 * available yet), production without sources or an admin token, the development key in
 * production.
 *
 * @example
 * const setup = await resolveSetup(parseCliArgs(process.argv.slice(2), process.env));
 */
export async function resolveSetup(
  args: CliArgs,
  readConfig: (path: string) => Promise<FileConfig> = loadConfig,
): Promise<Setup> {
  if (args.databaseUrl !== undefined) {
    throw new CollectorError(
      'unsupported_store',
      'PostgreSQL store not yet available: --database-url / DATABASE_URL is not supported by this version; use --db PATH (SQLite)',
    );
  }
  if (args.configPath !== undefined && (args.writeKey !== undefined || args.allowedOrigins.length > 0)) {
    throw new CollectorError(
      'invalid_argument',
      '--config and --write-key/--allowed-origin are exclusive: list sources and their allowedOrigins in the config file',
    );
  }
  const file = args.configPath === undefined ? undefined : await readConfig(args.configPath);
  const adminToken = args.adminToken ?? file?.adminToken;
  const mode = file ? 'config' : args.writeKey !== undefined ? 'one-site' : 'development';
  if (args.production) requireProductionSettings(mode, adminToken, args.writeKey);

  const origins = args.allowedOrigins.length > 0 ? { allowedOrigins: args.allowedOrigins } : {};
  const sources: SourceConfig[] =
    file?.sources ?? [{ name: DEFAULT_SOURCE_NAME, writeKey: args.writeKey ?? DEV_WRITE_KEY, ...origins }];

  const warnings: Setup['warnings'] = [];
  if (mode === 'development') {
    warnings.push({
      msg: `development mode: no --write-key or --config given; accepting events with the default write key "${DEV_WRITE_KEY}"`,
      fields: { mode, writeKey: DEV_WRITE_KEY, source: DEFAULT_SOURCE_NAME },
    });
  }
  const open = sources.filter((source) => !source.allowedOrigins || source.allowedOrigins.length === 0);
  if (open.length > 0) {
    warnings.push({
      msg: file
        ? 'sources without allowedOrigins accept browser events from any origin'
        : 'no --allowed-origin given: browsers on any origin may send events with this write key',
      fields: { sources: open.map((source) => source.name) },
    });
  }
  if (args.rateLimit !== undefined && args.rateLimit > 0) {
    warnings.push({ msg: 'rate limiting is not enforced yet by this version; --rate-limit is ignored', fields: { rateLimit: args.rateLimit } });
  }
  return {
    mode,
    production: args.production,
    sources,
    host: args.host ?? (args.production ? '0.0.0.0' : '127.0.0.1'),
    port: args.port,
    dbPath: args.dbPath,
    adminToken,
    warnings,
  };
}

function requireProductionSettings(mode: Setup['mode'], adminToken: string | undefined, writeKey: string | undefined): void {
  const missing: string[] = [];
  if (mode === 'development') missing.push('a write key (--write-key / CAIRN_WRITE_KEY) or a config file with sources (--config / CAIRN_CONFIG)');
  if (adminToken === undefined) missing.push('an admin token (--admin-token / CAIRN_ADMIN_TOKEN)');
  if (missing.length > 0) {
    throw new CollectorError('production_requirements', `refusing to start in production mode without ${missing.join(' and ')}`);
  }
  if (writeKey === DEV_WRITE_KEY) {
    throw new CollectorError('production_requirements', `refusing to start in production mode with the development write key "${DEV_WRITE_KEY}"`);
  }
}
