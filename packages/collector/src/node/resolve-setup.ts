import { CollectorError } from '../collector-error.js';
import type { DestinationConfig } from '../destinations/destination-config.js';
import type { LogFields } from '../logger.js';
import type { PrivacyOptions } from '../privacy/privacy-stages.js';
import type { SourceConfig } from '../source-config.js';
import { loadConfig, type FileConfig } from './load-config.js';
import { readTrustProxy } from './read-trust-proxy.js';
import type { CliArgs } from './parse-cli-args.js';

/** Write key accepted in development mode (no key, no config); printed at start. */
export const DEV_WRITE_KEY = 'cairn-dev';
/** Source name of the one-site setup (`--write-key`) and of development mode. */
export const DEFAULT_SOURCE_NAME = 'default';

/** Shortest admin token production accepts (32 random hex characters are 128 bits). */
export const MIN_PRODUCTION_ADMIN_TOKEN_LENGTH = 32;

/** Defaults of the settings that have one (docs/operations.md lists them). */
export const DEFAULTS = {
  port: 8787,
  db: './cairn.db',
  rateLimit: 100,
  adminRateLimit: 10,
  maxQueuedEvents: 20_000,
  shutdownTimeoutSeconds: 10,
} as const;

/** Everything the Node entry needs to start, with the warnings to log first. */
export interface Setup {
  mode: 'development' | 'one-site' | 'config';
  production: boolean;
  sources: SourceConfig[];
  host: string;
  port: number;
  dbPath: string;
  /** PostgreSQL instead of SQLite when set. */
  databaseUrl: string | undefined;
  sqliteSynchronous: 'full' | 'normal';
  /** SQLite on a worker thread (off by default: faster on a quiet 2-core machine, but over the memory budget). */
  sqliteWorker: boolean;
  adminToken: string | undefined;
  metricsToken: string | undefined;
  /** Where `/metrics` is served apart from the main port (`--metrics-listen`). */
  metricsListen: { host: string; port: number } | undefined;
  /**
   * `/metrics` on the main port: not when it has a listen address of its own, nor in
   * production without a metrics token (anyone reaching the port could read it).
   */
  serveMetricsOnMainPort: boolean;
  /** `/admin/*` per client IP; `requestsPerSecond: 0` = off. */
  adminRateLimit: { requestsPerSecond: number; burst: number };
  /** Per client IP; `requestsPerSecond: 0` = off. */
  rateLimit: { requestsPerSecond: number; burst: number };
  /** Default per-source limit (a source's own `rateLimit` wins); 0 = off. */
  sourceRateLimit: number;
  /** Proxies (addresses, CIDRs, presets) whose X-Forwarded-For is trusted; empty = the socket address. */
  trustProxy: string[];
  maxQueuedEvents: number;
  /** 0 = keep events forever. */
  retentionDays: number;
  /** Abandoned-cart rule: time between runs (0 = off) and a cart's idle time. */
  carts: { checkIntervalMs: number; idleMs: number };
  trackingPlanPath: string | undefined;
  /** `createCollector({ privacy })`; `eventCategories` only from the config file. */
  privacy: Required<Pick<PrivacyOptions, 'ip' | 'recordIp'>> & Pick<PrivacyOptions, 'eventCategories'>;
  shutdownTimeoutMs: number;
  /** From the config file's `destinations` (docs/destinations.md); empty = none. */
  destinations: DestinationConfig[];
  warnings: { msg: string; fields: LogFields }[];
}

/**
 * Merges flags, environment and the config file (in that order of precedence) into a start-up
 * setup, refusing combinations that cannot be right: `--config` with one-site flags, two lists
 * of sources, production without sources or an admin token, the development key in production.
 *
 * @example
 * const setup = await resolveSetup(parseCliArgs(process.argv.slice(2), process.env));
 */
export async function resolveSetup(
  args: CliArgs,
  readConfig: (path: string) => Promise<FileConfig> = loadConfig,
): Promise<Setup> {
  const oneSite = args.writeKey !== undefined || args.allowedOrigins.length > 0;
  if (args.configPath !== undefined && oneSite) {
    throw new CollectorError(
      'invalid_argument',
      '--config and --write-key/--allowed-origin are exclusive: list sources and their allowedOrigins in the config file',
    );
  }
  if (args.sources !== undefined && oneSite) {
    throw new CollectorError('invalid_argument', 'CAIRN_SOURCES and --write-key/--allowed-origin are exclusive: list every source in CAIRN_SOURCES');
  }
  const file = args.configPath === undefined ? {} : await readConfig(args.configPath);
  const merged = mergeSettings(file, args.settings);
  const listed = args.sources ?? file.sources;
  if (args.configPath !== undefined && listed === undefined) {
    throw new CollectorError('invalid_config', `config file ${args.configPath} has no "sources" (and CAIRN_SOURCES is not set)`);
  }
  const mode: Setup['mode'] = listed ? 'config' : args.writeKey !== undefined ? 'one-site' : 'development';
  const production = args.production || merged.production === true;
  const origins = args.allowedOrigins.length > 0 ? { allowedOrigins: args.allowedOrigins } : {};
  const sources: SourceConfig[] = listed ?? [{ name: DEFAULT_SOURCE_NAME, writeKey: args.writeKey ?? DEV_WRITE_KEY, ...origins }];
  if (production) requireProductionSettings(mode, merged.adminToken, sources);
  const rate = merged.limits?.rateLimit ?? DEFAULTS.rateLimit;
  const adminRate = merged.limits?.adminRateLimit ?? DEFAULTS.adminRateLimit;
  const metricsListen = merged.metricsListen === undefined ? undefined : readListenAddress(merged.metricsListen);
  const setup: Setup = {
    mode,
    production,
    sources,
    host: merged.host ?? (production ? '0.0.0.0' : '127.0.0.1'),
    port: merged.port ?? DEFAULTS.port,
    dbPath: merged.storage?.db ?? DEFAULTS.db,
    databaseUrl: merged.storage?.databaseUrl,
    sqliteSynchronous: merged.storage?.synchronous ?? 'full',
    sqliteWorker: merged.storage?.sqliteWorker ?? false,
    adminToken: merged.adminToken,
    metricsToken: merged.metricsToken,
    metricsListen,
    serveMetricsOnMainPort: metricsListen === undefined && (!production || merged.metricsToken !== undefined),
    adminRateLimit: { requestsPerSecond: adminRate, burst: Math.max(1, adminRate * 2) },
    rateLimit: { requestsPerSecond: rate, burst: merged.limits?.rateLimitBurst ?? Math.max(1, rate * 2) },
    sourceRateLimit: merged.limits?.sourceRateLimit ?? 0,
    trustProxy: readTrustProxy(merged.trustProxy),
    maxQueuedEvents: merged.limits?.maxQueuedEvents ?? DEFAULTS.maxQueuedEvents,
    retentionDays: merged.storage?.retentionDays ?? 0,
    carts: { checkIntervalMs: (merged.carts?.checkIntervalSeconds ?? 60) * 1000, idleMs: (merged.carts?.idleSeconds ?? 1800) * 1000 },
    trackingPlanPath: merged.trackingPlan,
    privacy: {
      ip: merged.privacy?.ip ?? 'truncate',
      recordIp: merged.privacy?.recordIp ?? false,
      ...(merged.privacy?.eventCategories === undefined ? {} : { eventCategories: merged.privacy.eventCategories }),
    },
    shutdownTimeoutMs: (merged.shutdownTimeoutSeconds ?? DEFAULTS.shutdownTimeoutSeconds) * 1000,
    destinations: file.destinations ?? [],
    warnings: [],
  };
  setup.warnings = collectWarnings(setup);
  return setup;
}

/** File settings overlaid by flag/env settings, one level deep for `storage`, `limits` and `privacy`. */
function mergeSettings(file: FileConfig, given: FileConfig): FileConfig {
  return {
    ...file,
    ...given,
    storage: { ...file.storage, ...given.storage },
    limits: { ...file.limits, ...given.limits },
    carts: { ...file.carts, ...given.carts },
    privacy: { ...file.privacy, ...given.privacy },
  };
}

function collectWarnings(setup: Setup): Setup['warnings'] {
  const warnings: Setup['warnings'] = [];
  if (setup.production && setup.metricsListen === undefined && setup.metricsToken === undefined) {
    warnings.push({
      msg: 'production mode without a metrics token or listen address: GET /metrics is off (set --metrics-token / CAIRN_METRICS_TOKEN, or --metrics-listen / CAIRN_METRICS_LISTEN for an internal address)',
      fields: { metrics: 'off' },
    });
  }
  if (setup.mode === 'development') {
    warnings.push({
      msg: `development mode: no --write-key or --config given; accepting events with the default write key "${DEV_WRITE_KEY}"`,
      fields: { mode: setup.mode, writeKey: DEV_WRITE_KEY, source: DEFAULT_SOURCE_NAME },
    });
  }
  const open = setup.sources.filter((source) => !source.allowedOrigins || source.allowedOrigins.length === 0);
  if (open.length > 0) {
    warnings.push({
      msg:
        setup.mode === 'config'
          ? 'sources without allowedOrigins accept browser events from any origin'
          : 'no --allowed-origin given: browsers on any origin may send events with this write key',
      fields: { sources: open.map((source) => source.name) },
    });
  }
  const known = new Set(setup.sources.map((source) => source.name));
  for (const destination of setup.destinations) {
    const unknown = (destination.sources ?? []).filter((name) => !known.has(name));
    if (unknown.length > 0) {
      warnings.push({
        msg: `destination "${destination.name}" lists sources that are not configured: it will never receive their events`,
        fields: { destination: destination.name, sources: unknown },
      });
    }
  }
  const unsigned = setup.destinations.filter((destination) => destination.kind === 'webhook' && destination.secret === undefined);
  if (unsigned.length > 0) {
    warnings.push({
      msg: 'webhook destinations without a secret send unsigned requests: a receiver cannot tell them from forged ones',
      fields: { destinations: unsigned.map((destination) => destination.name) },
    });
  }
  return warnings;
}

function requireProductionSettings(mode: Setup['mode'], adminToken: string | undefined, sources: SourceConfig[]): void {
  const missing: string[] = [];
  if (mode === 'development') {
    missing.push('a write key (--write-key / CAIRN_WRITE_KEY) or sources (--config / CAIRN_CONFIG, or CAIRN_SOURCES)');
  }
  if (adminToken === undefined) missing.push('an admin token (--admin-token / CAIRN_ADMIN_TOKEN)');
  if (missing.length > 0) {
    throw new CollectorError('production_requirements', `refusing to start in production mode without ${missing.join(' and ')}`);
  }
  if (adminToken !== undefined && adminToken.length < MIN_PRODUCTION_ADMIN_TOKEN_LENGTH) {
    throw new CollectorError(
      'production_requirements',
      `refusing to start in production mode with an admin token of ${adminToken.length} characters: it needs at least ${MIN_PRODUCTION_ADMIN_TOKEN_LENGTH} ` +
        '(e.g. the output of `openssl rand -hex 32`), since it guards export and erasure of every event',
    );
  }
  if (sources.some((source) => source.writeKey === DEV_WRITE_KEY)) {
    throw new CollectorError('production_requirements', `refusing to start in production mode with the development write key "${DEV_WRITE_KEY}"`);
  }
}

/** `HOST:PORT`, `[IPv6]:PORT` or a bare port (on 127.0.0.1: metrics stay on this host unless told). */
function readListenAddress(value: string): { host: string; port: number } {
  const match = /^(?:(?:\[([^\]]+)\]|([^:]+)):)?(\d+)$/.exec(value.trim());
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port > 65535) {
    throw new CollectorError('invalid_config', `metricsListen (--metrics-listen / CAIRN_METRICS_LISTEN): "${value}" is not HOST:PORT, [IPv6]:PORT or a port`);
  }
  return { host: match[1] ?? match[2] ?? '127.0.0.1', port };
}
