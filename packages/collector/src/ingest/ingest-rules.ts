/** Bounds on an event's JSON, checked on every event before any rule reads it. */
export interface EnvelopeLimits {
  /** Containers on the deepest path, the event object included (`{properties:{a:{}}}` is 3). */
  maxDepth: number;
  /** Keys of any one object. */
  maxKeys: number;
  /** Characters of any one key. */
  maxKeyLength: number;
  /** Characters of any one string value. */
  maxStringLength: number;
}

/** How client times are read and judged. */
export interface TimestampRules {
  /** Accept epoch seconds / milliseconds (numbers or numeric text) beside ISO 8601. */
  epoch: boolean;
  /** `timestamp = receivedAt − (sentAt − clientTime)` when a sentAt is known. */
  skewCorrection: boolean;
  /** A (corrected) time further ahead of the receive time than this is out of range. */
  maxFutureSeconds: number;
  /** A (corrected) time older than this is out of range. */
  maxAgeDays: number;
  /** Out-of-range times: `flag` stores the event tagged; `quarantine` refuses it. */
  outOfRange: 'flag' | 'quarantine';
}

/**
 * Switches and bounds of the ingest rules, every key optional (see {@link DEFAULT_INGEST_RULES}).
 * Given to `createCollector({ normalisation })`; a tracking plan's `rules` key overrides it.
 *
 * @example
 * createCollector({ sources, store, normalisation: { money: false, timestamps: { maxAgeDays: 30 } } });
 */
export interface IngestRules {
  limits?: Partial<EnvelopeLimits>;
  timestamps?: Partial<TimestampRules>;
  /** Map aliases and respellings of event names to the plan's canonical names. */
  aliases?: boolean;
  /** Fill missing properties from the plan's defaults. */
  defaults?: boolean;
  /** Add base-currency amounts beside money fields. */
  money?: boolean;
  /** Check names and properties against the plan (unknown events, JSON Schemas). */
  schemas?: boolean;
}

/** {@link IngestRules} with every value filled in. */
export interface ResolvedIngestRules {
  limits: EnvelopeLimits;
  timestamps: TimestampRules;
  aliases: boolean;
  defaults: boolean;
  money: boolean;
  schemas: boolean;
}

/**
 * The defaults: every rule on. Limits leave room for Segment-style e-commerce events
 * (products arrays of objects, long page URLs) while keeping a hostile event cheap to walk.
 */
export const DEFAULT_INGEST_RULES: ResolvedIngestRules = Object.freeze({
  limits: Object.freeze({ maxDepth: 16, maxKeys: 256, maxKeyLength: 255, maxStringLength: 8192 }),
  timestamps: Object.freeze({
    epoch: true,
    skewCorrection: true,
    // After skew correction a time ahead of the receive time is a bug or a forged value, but a
    // client that sends no sentAt keeps its own clock's error: one hour tolerates time zones
    // mistaken for UTC by a few minutes' drift, not a clock set a day ahead.
    maxFutureSeconds: 3600,
    // Mobile queues can hold events for weeks offline; a year is past any plausible delay.
    maxAgeDays: 365,
    outOfRange: 'flag' as const,
  }),
  aliases: true,
  defaults: true,
  money: true,
  schemas: true,
});

/**
 * Merges rule layers over the defaults, later layers winning key by key.
 *
 * @example
 * resolveIngestRules({ money: false }, plan.rules).money // false unless the plan says true
 */
export function resolveIngestRules(...layers: (IngestRules | undefined)[]): ResolvedIngestRules {
  let resolved: ResolvedIngestRules = DEFAULT_INGEST_RULES;
  for (const layer of layers) {
    if (!layer) continue;
    resolved = {
      limits: { ...resolved.limits, ...defined(layer.limits) },
      timestamps: { ...resolved.timestamps, ...defined(layer.timestamps) },
      aliases: layer.aliases ?? resolved.aliases,
      defaults: layer.defaults ?? resolved.defaults,
      money: layer.money ?? resolved.money,
      schemas: layer.schemas ?? resolved.schemas,
    };
  }
  return resolved;
}

function defined<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const positiveInteger = { type: 'integer', minimum: 1 } as const;

/** JSON Schema of {@link IngestRules} (a tracking plan's `rules`, or a config file's). */
export const INGEST_RULES_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limits: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxDepth: { type: 'integer', minimum: 2, maximum: 64 },
        maxKeys: positiveInteger,
        maxKeyLength: positiveInteger,
        maxStringLength: positiveInteger,
      },
    },
    timestamps: {
      type: 'object',
      additionalProperties: false,
      properties: {
        epoch: { type: 'boolean' },
        skewCorrection: { type: 'boolean' },
        maxFutureSeconds: { type: 'number', minimum: 0 },
        maxAgeDays: { type: 'number', minimum: 0 },
        outOfRange: { enum: ['flag', 'quarantine'] },
      },
    },
    aliases: { type: 'boolean' },
    defaults: { type: 'boolean' },
    money: { type: 'boolean' },
    schemas: { type: 'boolean' },
  },
} as const;
