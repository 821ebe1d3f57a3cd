import { Hono, type Context } from 'hono';
import { ERROR_CODES, EVENT_TYPES, MAX_REQUEST_BYTES, type BatchResponse, type EventType } from '@cairn/protocol';
import type { ResolvedSource, SourceRegistry } from '../auth/source-registry.js';
import { readBasicAuthKey } from '../http/basic-auth.js';
import type { CollectorEnv } from '../http/collector-env.js';
import { httpError } from '../http/http-error.js';
import { readJsonBody } from '../http/parse-json-body.js';
import { readRequestBody, type WireBodyReader } from '../http/read-body.js';
import { runPipeline } from '../ingest/run-pipeline.js';
import type { Stage } from '../ingest/stage.js';
import { isPlainObject } from '../json/is-plain-object.js';
import { describeError, type Logger } from '../logger.js';
import { WriterBusyError } from '../store/group-commit.js';
import type { Store, WriteResult } from '../store/store.js';
import { readEnvelope } from './read-envelope.js';

/** Seconds a client is told to wait when storage fails. */
const STORAGE_RETRY_AFTER_SECONDS = '5';

export interface IngestDeps {
  registry: SourceRegistry;
  store: Store;
  stages: readonly Stage[];
  logger: Logger;
  now: () => number;
  /** Per-source rate limit: throws 429 once the source is known (see `createRateLimits`). */
  checkSourceRate?: (source: string) => void;
  /** The client's address, handed to the stages (the IP privacy stage may record it). */
  clientIp?: (c: Context) => string | undefined;
  /** A faster route to the body's bytes than the Web Request (see `CollectorOptions.readBody`). */
  readBody?: (c: Context, limit: number) => ReturnType<WireBodyReader>;
}

/**
 * `POST /batch` and the single-event routes `POST /track|page|identify|group|alias|screen`
 * (mounted under `/v1`), with Segment's short aliases (`/b`, `/t` …) and `/import`. Order of
 * checks: a Basic-auth key before reading the body (an unknown key costs no upload), then size,
 * JSON, a body key, origin, shape; then every event through the pipeline and one store write.
 * 200 only after that write committed.
 *
 * @example
 * app.route('/v1', createIngestRoutes({ registry, store, stages: DEFAULT_STAGES, logger, now: Date.now }));
 */
export function createIngestRoutes(deps: IngestDeps): Hono<CollectorEnv> {
  const routes = new Hono<CollectorEnv>();
  // Compatibility aliases, all here: Segment's analytics.js posts a batch to `/b` and a single
  // event to the first letter of its type (`/t`, `/p`, `/i`, `/g`, `/a`, `/s`); `/import` is
  // the batch route of Segment's historical import API.
  for (const path of ['/batch', '/b', '/import']) routes.post(path, (c) => ingest(c, deps, undefined));
  for (const type of EVENT_TYPES) {
    routes.post(`/${type}`, (c) => ingest(c, deps, type));
    routes.post(`/${type.charAt(0)}`, (c) => ingest(c, deps, type));
  }
  return routes;
}

/**
 * RudderStack's page-exit route, `POST /batch?writeKey=KEY` (mounted under `/beacon/v1`):
 * `navigator.sendBeacon` can set no header, so the write key rides in the query string. The
 * body is a batch, whatever its Content-Type (`text/plain` or a JSON Blob).
 *
 * @example
 * app.route('/beacon/v1', createBeaconRoutes(deps));
 */
export function createBeaconRoutes(deps: IngestDeps): Hono<CollectorEnv> {
  const routes = new Hono<CollectorEnv>();
  routes.post('/batch', (c) => ingest(c, deps, undefined, c.req.query('writeKey')));
  return routes;
}

/** `queryKey`: the write key from the query string, on the route that takes it (Basic auth wins). */
async function ingest(c: Context<CollectorEnv>, deps: IngestDeps, pathType: EventType | undefined, queryKey?: string) {
  const requestKey = readBasicAuthKey(c.req.header('authorization')) ?? queryKey;
  if (requestKey !== undefined) admit(c, await authenticate(deps.registry, requestKey));

  const readBody = deps.readBody;
  const readWire: WireBodyReader | undefined = readBody && ((limit) => readBody(c, limit));
  const { text, value: body } = readJsonBody(await readRequestBody(c.req.raw, MAX_REQUEST_BYTES, readWire));
  if (requestKey === undefined) {
    if (!isPlainObject(body)) throw httpError(400, ERROR_CODES.invalidBody, 'body must be a JSON object');
    admit(c, await authenticate(deps.registry, body.writeKey));
  }
  const source = c.get('source') as ResolvedSource;
  deps.checkSourceRate?.(source.name);
  const envelope = readEnvelope(body, pathType, text);

  const context = { source: source.name, receivedAt: deps.now(), sentAt: envelope.sentAt, pathType, clientIp: deps.clientIp?.(c) };
  const outcome = await runPipeline(deps.stages, envelope.events, context, envelope.texts);
  let written: WriteResult = { inserted: [], duplicates: [] };
  if (outcome.events.length > 0 || outcome.quarantined.length > 0) {
    try {
      written = await deps.store.write({ events: outcome.events, quarantined: outcome.quarantined });
    } catch (error) {
      if (error instanceof WriterBusyError) {
        // Back-pressure, not a fault: the client retries after a short wait (metrics count it).
        throw httpError(503, ERROR_CODES.storageUnavailable, 'the writer is busy; retry shortly', {
          'retry-after': String(error.retryAfterSeconds),
        });
      }
      deps.logger.error('store write failed', { source: source.name, error: describeError(error) });
      throw httpError(503, ERROR_CODES.storageUnavailable, 'storage is unavailable; retry later', {
        'retry-after': STORAGE_RETRY_AFTER_SECONDS,
      });
    }
  }
  const response: BatchResponse = {
    accepted: written.inserted.length,
    duplicates: written.duplicates.length,
    rejected: outcome.rejected,
  };
  c.set('ingested', response);
  deps.logger.info('batch', {
    source: source.name,
    accepted: response.accepted,
    duplicates: response.duplicates,
    rejected: response.rejected.length,
  });
  return c.json(response, 200);
}

/** The source of `writeKey`; 401 when it is missing or unknown. */
export async function authenticate(registry: SourceRegistry, writeKey: unknown): Promise<ResolvedSource> {
  if (typeof writeKey !== 'string' || writeKey === '') {
    throw httpError(401, ERROR_CODES.unauthorized, 'missing write key: send it as the Basic auth username or as writeKey in the body (?writeKey= on /beacon/v1/batch)');
  }
  const source = await registry.resolve(writeKey);
  if (!source) throw httpError(401, ERROR_CODES.unauthorized, 'unknown write key');
  return source;
}

/** Records the source and refuses a browser origin the source does not list. */
export function admit(c: Context<CollectorEnv>, source: ResolvedSource): void {
  c.set('source', source);
  const origin = c.req.header('origin');
  if (origin !== undefined && !source.allowsOrigin(origin)) {
    throw httpError(403, ERROR_CODES.originNotAllowed, `origin ${origin.slice(0, 200)} is not allowed for this write key`);
  }
}
