/** How a destination receives events (docs/destinations.md). */
export type DestinationKind = 'webhook' | 'segment' | 'nats';

/**
 * One destination as the config file's `destinations` list holds it (DESIGN.md, "Destinations").
 * Matching rules (`sources`, `types`, `events`, `consent`, `sampleRate`) are decided when an event
 * is stored, so changing them applies to new events only; the property and trait lists are
 * applied when an event is sent, so a field added to a drop list is never sent again, even for
 * events already waiting.
 */
export interface DestinationConfig {
  name: string;
  kind: DestinationKind;
  /** webhook: the URL to POST to; segment: the service's base URL (`/v1/batch` is appended); nats: `nats://host:port`. */
  url: string;
  /** webhook: HMAC-SHA256 key of the `Cairn-Signature` header. */
  secret?: string;
  /** segment: the receiving service's write key (HTTP Basic user name). */
  writeKey?: string;
  /** Name of an environment variable holding `secret` (keeps it out of the file). */
  secretEnv?: string;
  /** Name of an environment variable holding `writeKey`. */
  writeKeyEnv?: string;
  /** nats: the JetStream subject each event is published to. */
  subject?: string;
  /** webhook and segment: extra request headers (e.g. an API key of the receiver). */
  headers?: Record<string, string>;
  /** A consent category the event's stamp must grant (`context.consent.categoryPreferences`). */
  consent?: string;
  sources?: string[];
  types?: string[];
  /** Track event names (and page/screen names). */
  events?: string[];
  dropProperties?: string[];
  keepProperties?: string[];
  dropTraits?: string[];
  keepTraits?: string[];
  /** 0–1, by a hash of the messageId: the same event is always in or out. Default 1. */
  sampleRate?: number;
  /** Send deletion messages on erasure (webhook and nats only). Default true. */
  erasure?: boolean;
  batchSize?: number;
  timeoutSeconds?: number;
  retryMinSeconds?: number;
  retryMaxSeconds?: number;
  deadLetterAfterSeconds?: number;
}

/** Defaults of the delivery settings (docs/destinations.md lists them). */
export const DESTINATION_DEFAULTS = {
  batchSize: 500,
  timeoutSeconds: 10,
  retryMinSeconds: 1,
  retryMaxSeconds: 300,
  deadLetterAfterSeconds: 3 * 24 * 3600,
  sampleRate: 1,
} as const;

/** Kinds that accept a deletion message on erasure; Segment's deletions go through its own Regulations API. */
export const ERASURE_KINDS: readonly DestinationKind[] = ['webhook', 'nats'];

/**
 * What the store needs to write outbox rows: the matching rules only, as plain data (it crosses
 * to the SQLite worker thread by structured clone).
 */
export interface DestinationRules {
  name: string;
  sources?: string[];
  types?: string[];
  events?: string[];
  consent?: string;
  sampleRate?: number;
}

/**
 * The matching rules of each destination, for the store's `derived` option.
 *
 * @example
 * openStore({ dbPath, derived: { destinations: destinationRules(setup.destinations) } });
 */
export function destinationRules(destinations: readonly DestinationConfig[]): DestinationRules[] {
  return destinations.map(({ name, sources, types, events, consent, sampleRate }) => ({
    name,
    ...(sources ? { sources } : {}),
    ...(types ? { types } : {}),
    ...(events ? { events } : {}),
    ...(consent ? { consent } : {}),
    ...(sampleRate === undefined ? {} : { sampleRate }),
  }));
}

const nonEmptyString = { type: 'string', minLength: 1 } as const;
const names = { type: 'array', items: nonEmptyString, uniqueItems: true } as const;
const seconds = (max: number) => ({ type: 'number', exclusiveMinimum: 0, maximum: max }) as const;
const requires = (kind: DestinationKind, keys: string[], urlPattern: string) => ({
  if: { properties: { kind: { const: kind } } },
  // Every required key defined here too: ajv's strict mode wants them beside `required`.
  then: {
    required: keys,
    properties: Object.fromEntries(keys.map((key) => [key, key === 'url' ? { type: 'string', pattern: urlPattern } : nonEmptyString])),
  },
});

/** JSON Schema of one destination; the config file's `destinations` is an array of these. */
export const DESTINATION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'kind', 'url'],
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
    kind: { enum: ['webhook', 'segment', 'nats'] },
    url: nonEmptyString,
    secret: { type: 'string', minLength: 16 },
    writeKey: nonEmptyString,
    secretEnv: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    writeKeyEnv: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    subject: { type: 'string', pattern: '^[^\\s*>]+$' },
    headers: { type: 'object', propertyNames: { type: 'string', pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$' }, additionalProperties: { type: 'string' } },
    consent: { type: 'string', minLength: 1, maxLength: 64 },
    sources: names,
    types: { type: 'array', items: { enum: ['track', 'page', 'screen', 'identify', 'group', 'alias'] }, uniqueItems: true },
    events: names,
    dropProperties: names,
    keepProperties: names,
    dropTraits: names,
    keepTraits: names,
    sampleRate: { type: 'number', minimum: 0, maximum: 1 },
    erasure: { type: 'boolean' },
    batchSize: { type: 'integer', minimum: 1, maximum: 2500 },
    timeoutSeconds: seconds(300),
    retryMinSeconds: seconds(3600),
    retryMaxSeconds: seconds(86_400),
    deadLetterAfterSeconds: seconds(365 * 86_400),
  },
  allOf: [
    requires('webhook', ['url'], '^https?://'),
    requires('segment', ['url'], '^https?://'),
    requires('nats', ['url', 'subject'], '^(nats|tls)://'),
  ],
} as const;

export const DESTINATIONS_SCHEMA = { type: 'array', items: DESTINATION_SCHEMA } as const;

/**
 * What the schema cannot say: names are unique, the retry bounds are in order, the variables
 * named by `secretEnv` / `writeKeyEnv` are set (their values are moved into `secret` /
 * `writeKey`, in place). Returns a message naming the destination at fault.
 *
 * @example
 * checkDestinations(config.destinations ?? []);
 */
export function checkDestinations(destinations: DestinationConfig[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  const seen = new Set<string>();
  for (const destination of destinations) {
    const problem = readSecretsFromEnv(destination, env);
    if (problem !== undefined) return `destinations "${destination.name}": ${problem}`;
    if (destination.kind === 'segment' && destination.writeKey === undefined) return `destinations "${destination.name}": writeKey (or writeKeyEnv) is required for kind "segment"`;
    if (seen.has(destination.name)) return `destinations: two destinations are named "${destination.name}"; names must be unique`;
    seen.add(destination.name);
    const min = destination.retryMinSeconds ?? DESTINATION_DEFAULTS.retryMinSeconds;
    const max = destination.retryMaxSeconds ?? DESTINATION_DEFAULTS.retryMaxSeconds;
    if (min > max) return `destinations "${destination.name}": retryMinSeconds (${min}) is above retryMaxSeconds (${max})`;
    if (destination.kind !== 'nats' && destination.subject !== undefined) return `destinations "${destination.name}": subject is for kind "nats" only`;
    if (destination.kind !== 'segment' && destination.writeKey !== undefined) return `destinations "${destination.name}": writeKey is for kind "segment" only`;
    if (destination.kind === 'nats' && destination.headers !== undefined) return `destinations "${destination.name}": headers are for HTTP kinds only`;
  }
  return undefined;
}

/** Moves `secretEnv` / `writeKeyEnv` values into `secret` / `writeKey`; a problem as text. */
function readSecretsFromEnv(destination: DestinationConfig, env: NodeJS.ProcessEnv): string | undefined {
  for (const [key, envKey, minLength] of [['secret', 'secretEnv', 16], ['writeKey', 'writeKeyEnv', 1]] as const) {
    const name = destination[envKey];
    if (name === undefined) continue;
    if (destination[key] !== undefined) return `give ${key} or ${envKey}, not both`;
    const value = env[name];
    if (value === undefined || value.length < minLength) {
      return `${envKey}: the environment variable ${name} is ${value === undefined ? 'not set' : `shorter than ${minLength} characters`}`;
    }
    destination[key] = value;
    delete destination[envKey];
  }
  return undefined;
}
