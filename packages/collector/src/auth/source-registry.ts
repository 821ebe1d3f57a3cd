import { CollectorError } from '../collector-error.js';
import { constantTimeEqual } from '../http/admin-auth.js';
import type { SourceConfig } from '../source-config.js';

/** A source as the request handlers see it once its write key matched. */
export interface ResolvedSource {
  readonly name: string;
  /** True when the source has no origin list (any origin may send). */
  readonly anyOrigin: boolean;
  allowsOrigin(origin: string): boolean;
}

export interface SourceRegistry {
  /** The source whose write key equals `writeKey`, compared in constant time; else undefined. */
  resolve(writeKey: string): Promise<ResolvedSource | undefined>;
  /** True when at least one source accepts this origin (answers CORS preflights, which carry no key). */
  anySourceAllows(origin: string): boolean;
  readonly sources: readonly ResolvedSource[];
}

interface Entry {
  source: ResolvedSource;
  key: Uint8Array;
}

const encoder = new TextEncoder();

/**
 * Validates the configured sources and indexes them by write key. A presented key is compared
 * with every source's key by a constant-time byte loop (no early exit, no skipped source), so
 * response time says nothing about how much of a guessed key was right, nor which source it
 * was close to. (WebCrypto digests did the same job but cost ~200 µs per request on Node.)
 *
 * @example
 * const registry = createSourceRegistry([{ name: 'default', writeKey: 'cairn-dev' }]);
 * const source = await registry.resolve('cairn-dev'); // { name: 'default', … }
 */
export function createSourceRegistry(configs: readonly SourceConfig[]): SourceRegistry {
  if (!Array.isArray(configs) || configs.length === 0) {
    throw new CollectorError('invalid_options', 'at least one source ({name, writeKey}) is required');
  }
  const names = new Set<string>();
  const keys = new Set<string>();
  const entries: Entry[] = configs.map((config, index) => {
    if (typeof config?.name !== 'string' || config.name.trim() === '') {
      throw new CollectorError('invalid_options', `sources[${index}].name must be a non-empty string`);
    }
    if (typeof config.writeKey !== 'string' || config.writeKey === '') {
      throw new CollectorError('invalid_options', `sources[${index}].writeKey must be a non-empty string`);
    }
    if (names.has(config.name)) throw new CollectorError('invalid_options', `source name "${config.name}" is used twice`);
    if (keys.has(config.writeKey)) throw new CollectorError('invalid_options', `sources[${index}] reuses another source's writeKey`);
    names.add(config.name);
    keys.add(config.writeKey);
    const configured: unknown = config.allowedOrigins ?? [];
    if (!Array.isArray(configured)) {
      throw new CollectorError('invalid_options', `sources[${index}].allowedOrigins must be an array of origins`);
    }
    const origins = new Set(
      configured.map((origin: unknown, i) => normalizeOrigin(origin, `sources[${index}].allowedOrigins[${i}]`)),
    );
    const source: ResolvedSource = {
      name: config.name,
      anyOrigin: origins.size === 0,
      allowsOrigin: (origin) => origins.size === 0 || origins.has(origin.toLowerCase()),
    };
    return { source, key: encoder.encode(config.writeKey) };
  });

  return {
    sources: entries.map((entry) => entry.source),
    anySourceAllows: (origin) => entries.some((entry) => entry.source.allowsOrigin(origin)),
    async resolve(writeKey) {
      const presented = encoder.encode(writeKey);
      let found: ResolvedSource | undefined;
      for (const entry of entries) {
        const matches = constantTimeEqual(presented, entry.key);
        if (matches && found === undefined) found = entry.source;
      }
      return found;
    },
  };
}

/**
 * `https://Shop.example.com/` → `https://shop.example.com`: browsers send the serialized
 * origin, so a configured URL is reduced to that form.
 */
function normalizeOrigin(value: unknown, label: string): string {
  if (typeof value !== 'string') throw new CollectorError('invalid_options', `${label} must be a string`);
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new CollectorError('invalid_options', `${label} is not an origin like https://example.com: ${value}`);
  }
  if (url.origin === 'null') throw new CollectorError('invalid_options', `${label} has no http(s) origin: ${value}`);
  return url.origin.toLowerCase();
}
