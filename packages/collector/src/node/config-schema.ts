import { IP_MODES, type IpMode } from '../privacy/ip.js';
import { DESTINATIONS_SCHEMA, type DestinationConfig } from '../destinations/destination-config.js';
import type { SourceConfig } from '../source-config.js';

/**
 * Settings as `cairn.config.json` holds them. Every one can also come from a flag or an
 * environment variable (see `settings-table.ts`); a flag wins over its variable, which wins
 * over the file. Relative paths in the file are relative to the file's folder.
 */
export interface FileConfig {
  sources?: SourceConfig[];
  port?: number;
  host?: string;
  production?: boolean;
  adminToken?: string;
  metricsToken?: string;
  /** `HOST:PORT` (or a port, on 127.0.0.1) where `/metrics` is served instead of the main port. */
  metricsListen?: string;
  /**
   * The proxies whose X-Forwarded-For is believed: addresses, CIDRs or `loopback`,
   * `linklocal`, `uniquelocal` (a list, or one comma-separated string). `false`/absent: none.
   * A hop count (`true`, a number) is refused: it trusted whoever reached the port directly.
   */
  trustProxy?: boolean | string | string[];
  trackingPlan?: string;
  shutdownTimeoutSeconds?: number;
  storage?: {
    db?: string;
    databaseUrl?: string;
    synchronous?: 'full' | 'normal';
    /** SQLite on a worker thread instead of the request thread. */
    sqliteWorker?: boolean;
    retentionDays?: number;
  };
  /** The collector's abandoned-cart rule (docs/operations.md). */
  carts?: {
    checkIntervalSeconds?: number;
    idleSeconds?: number;
  };
  limits?: {
    rateLimit?: number;
    rateLimitBurst?: number;
    sourceRateLimit?: number;
    /** `/admin/*` requests/second per client address (0 = off). */
    adminRateLimit?: number;
    maxQueuedEvents?: number;
  };
  /** `createCollector({ privacy })`: IP handling and consent categories (docs/privacy.md). */
  privacy?: {
    ip?: IpMode;
    recordIp?: boolean;
    /** Consent category per track event name or call type where the tracking plan declares none. */
    eventCategories?: Record<string, string>;
  };
  /** Where stored events are forwarded (docs/destinations.md). */
  destinations?: DestinationConfig[];
}

const nonEmptyString = { type: 'string', minLength: 1 } as const;
const requestRate = { type: 'integer', minimum: 0, maximum: 1_000_000 } as const;
// 64: the consent stage keeps stamp keys up to that length in a refused event's quarantine row.
const categoryName = { type: 'string', minLength: 1, maxLength: 64 } as const;

/** JSON Schema of one source, shared by the file's `sources` and `CAIRN_SOURCES`. */
export const SOURCE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'writeKey'],
  properties: {
    name: nonEmptyString,
    writeKey: nonEmptyString,
    allowedOrigins: { type: 'array', items: nonEmptyString },
    rateLimit: requestRate,
  },
} as const;

export const SOURCES_SCHEMA = { type: 'array', minItems: 1, items: SOURCE_SCHEMA } as const;

/**
 * JSON Schema (draft-07, checked with ajv) of {@link FileConfig}. Unknown keys are errors so a
 * typo (`"adminTokn"`) fails the start instead of silently leaving a setting at its default.
 */
export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    sources: SOURCES_SCHEMA,
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    host: nonEmptyString,
    production: { type: 'boolean' },
    adminToken: nonEmptyString,
    metricsToken: nonEmptyString,
    metricsListen: nonEmptyString,
    // Integers pass the schema only to be refused with a message saying what replaced them.
    trustProxy: { type: ['boolean', 'integer', 'string', 'array'], items: nonEmptyString },
    trackingPlan: nonEmptyString,
    shutdownTimeoutSeconds: { type: 'integer', minimum: 0, maximum: 3600 },
    storage: {
      type: 'object',
      additionalProperties: false,
      properties: {
        db: nonEmptyString,
        databaseUrl: nonEmptyString,
        synchronous: { enum: ['full', 'normal'] },
        sqliteWorker: { type: 'boolean' },
        retentionDays: { type: 'integer', minimum: 0, maximum: 36_500 },
      },
    },
    carts: {
      type: 'object',
      additionalProperties: false,
      properties: {
        checkIntervalSeconds: { type: 'integer', minimum: 0, maximum: 86_400 },
        idleSeconds: { type: 'integer', minimum: 1, maximum: 2_592_000 },
      },
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      properties: {
        rateLimit: requestRate,
        rateLimitBurst: { type: 'integer', minimum: 1, maximum: 10_000_000 },
        sourceRateLimit: requestRate,
        adminRateLimit: requestRate,
        maxQueuedEvents: { type: 'integer', minimum: 100, maximum: 10_000_000 },
      },
    },
    privacy: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ip: { enum: IP_MODES },
        recordIp: { type: 'boolean' },
        eventCategories: {
          type: 'object',
          propertyNames: { type: 'string', minLength: 1 },
          additionalProperties: categoryName,
        },
      },
    },
    destinations: DESTINATIONS_SCHEMA,
  },
} as const;
