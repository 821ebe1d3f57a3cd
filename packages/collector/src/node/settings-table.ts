/**
 * One setting reachable by flag and environment variable; `key` is its path in
 * `cairn.config.json`. The flag parser, `--help` and docs/operations.md all follow this table,
 * so a setting cannot exist in one and be missing from another.
 */
export interface SettingSpec {
  key: string;
  /** Flag name without the leading `--`. */
  flag: string;
  env: string;
  /** Value placeholder in `--help`; absent for a boolean flag. */
  arg?: string;
  help: string;
}

/** Every setting with a flag and a variable (sources, write key and origins are handled apart). */
export const SETTINGS: readonly SettingSpec[] = [
  { key: 'port', flag: 'port', env: 'PORT', arg: 'N', help: 'port to listen on (default 8787; 0 picks a free port)' },
  { key: 'host', flag: 'host', env: 'HOST', arg: 'HOST', help: 'address to bind (default 127.0.0.1; 0.0.0.0 in production)' },
  { key: 'storage.db', flag: 'db', env: 'CAIRN_DB', arg: 'PATH', help: 'SQLite database file, the default store (default ./cairn.db)' },
  { key: 'storage.databaseUrl', flag: 'database-url', env: 'DATABASE_URL', arg: 'URL', help: 'PostgreSQL instead of SQLite: postgres://user:pass@host:5432/db' },
  { key: 'storage.synchronous', flag: 'sqlite-synchronous', env: 'CAIRN_SQLITE_SYNCHRONOUS', arg: 'full|normal', help: 'SQLite fsync per commit: full (default, survives power loss) or normal' },
  { key: 'storage.sqliteWorker', flag: 'sqlite-worker', env: 'CAIRN_SQLITE_WORKER', arg: 'true|false', help: 'run SQLite on a worker thread (default false; see docs/benchmarks.md)' },
  { key: 'storage.retentionDays', flag: 'retention-days', env: 'CAIRN_RETENTION_DAYS', arg: 'N', help: 'delete events received more than N days ago (default 0: keep forever)' },
  { key: 'carts.checkIntervalSeconds', flag: 'cart-check-interval', env: 'CAIRN_CART_CHECK_INTERVAL', arg: 'S', help: 'seconds between runs of the abandoned-cart rule (default 60; 0 = off)' },
  { key: 'carts.idleSeconds', flag: 'cart-idle', env: 'CAIRN_CART_IDLE', arg: 'S', help: "seconds untouched before a cart is abandoned (default 1800, the SDK's)" },
  { key: 'adminToken', flag: 'admin-token', env: 'CAIRN_ADMIN_TOKEN', arg: 'TOKEN', help: 'bearer token of /admin/* (export, erasure, replay, stats, /admin/api) and the /console sign-in (32+ characters in production); none = admin disabled' },
  { key: 'metricsToken', flag: 'metrics-token', env: 'CAIRN_METRICS_TOKEN', arg: 'TOKEN', help: 'bearer token required by /metrics (default: open; in production /metrics needs this or --metrics-listen)' },
  { key: 'metricsListen', flag: 'metrics-listen', env: 'CAIRN_METRICS_LISTEN', arg: 'HOST:PORT', help: 'serve /metrics on this address only, not the main port (a bare port listens on 127.0.0.1)' },
  { key: 'limits.rateLimit', flag: 'rate-limit', env: 'CAIRN_RATE_LIMIT', arg: 'N', help: 'requests/second per client IP (default 100; 0 = off)' },
  { key: 'limits.rateLimitBurst', flag: 'rate-limit-burst', env: 'CAIRN_RATE_LIMIT_BURST', arg: 'N', help: 'requests a client IP may send at once above the rate (default 2 × rate)' },
  { key: 'limits.sourceRateLimit', flag: 'source-rate-limit', env: 'CAIRN_SOURCE_RATE_LIMIT', arg: 'N', help: "requests/second per source, all IPs together (default 0 = off; a source's rateLimit wins)" },
  { key: 'limits.adminRateLimit', flag: 'admin-rate-limit', env: 'CAIRN_ADMIN_RATE_LIMIT', arg: 'N', help: '/admin/* requests/second per client IP, apart from ingest (default 10; 0 = off)' },
  { key: 'limits.maxQueuedEvents', flag: 'max-queued-events', env: 'CAIRN_MAX_QUEUED_EVENTS', arg: 'N', help: 'events waiting for a commit before new requests get 503 (default 20000)' },
  { key: 'trustProxy', flag: 'trust-proxy', env: 'CAIRN_TRUST_PROXY', arg: 'LIST', help: 'proxies whose X-Forwarded-For gives the client IP: addresses, CIDRs, loopback, linklocal, uniquelocal, comma-separated (default: none, the socket)' },
  { key: 'privacy.ip', flag: 'ip', env: 'CAIRN_IP', arg: 'truncate|drop|full', help: "what is stored of an event's context.ip: truncate (default: /24, /48), drop, or full" },
  { key: 'privacy.recordIp', flag: 'record-ip', env: 'CAIRN_RECORD_IP', arg: 'true|false', help: "record the request's address (after --ip) in events without one (default false)" },
  { key: 'trackingPlan', flag: 'tracking-plan', env: 'CAIRN_TRACKING_PLAN', arg: 'PATH', help: 'JSON tracking plan checking event names and properties' },
  { key: 'shutdownTimeoutSeconds', flag: 'shutdown-timeout', env: 'CAIRN_SHUTDOWN_TIMEOUT', arg: 'S', help: 'on SIGTERM, seconds in-flight requests get before sockets are cut (default 10)' },
];
