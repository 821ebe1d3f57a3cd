import { Hono } from 'hono';
import { ERROR_CODES } from '@cairn/protocol';
import { httpError } from '../http/http-error.js';
import { parseJsonBody } from '../http/parse-json-body.js';
import { readRequestBody } from '../http/read-body.js';
import type { Stage } from '../ingest/stage.js';
import { isPlainObject } from '../json/is-plain-object.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { replayQuarantine } from '../replay/replay-quarantine.js';
import type { Store } from '../store/store.js';

const MAX_REPLAY_BODY_BYTES = 4 * 1024;

/** What the replay endpoint needs: the store and the collector's own pipeline. */
export interface AdminReplayDeps {
  store: Store;
  stages: readonly Stage[];
  logger: Logger;
  metrics?: Metrics;
}

/**
 * `POST /admin/replay` (behind the admin token), body optional `{"source"?: "shop"}`: runs the
 * quarantine through the current tracking plan and rules again, moves the events that now
 * pass into `events` and answers `{"replayed": n, "duplicates": n, "stillFailing": n}`.
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $TOKEN" http://localhost:8787/admin/replay
 */
export function createAdminReplayRoutes(deps: AdminReplayDeps): Hono {
  const routes = new Hono();
  routes.post('/replay', async (c) => {
    const bytes = await readRequestBody(c.req.raw, MAX_REPLAY_BODY_BYTES);
    const source = readSource(bytes.length === 0 ? {} : parseJsonBody(bytes));
    const report = await replayQuarantine({ store: deps.store, stages: deps.stages, source, metrics: deps.metrics });
    deps.logger.info('replay', { source: source ?? null, ...report });
    return c.json(report);
  });
  return routes;
}

function readSource(body: unknown): string | undefined {
  if (!isPlainObject(body)) throw httpError(400, ERROR_CODES.invalidBody, 'body must be empty or a JSON object {source?}');
  const unknown = Object.keys(body).find((key) => key !== 'source');
  if (unknown !== undefined) throw httpError(400, ERROR_CODES.invalidBody, `unknown field ${unknown.slice(0, 40)}; expected source`);
  const { source } = body;
  if (source === undefined || source === null) return undefined;
  if (typeof source !== 'string' || source === '') throw httpError(400, ERROR_CODES.invalidBody, 'source must be a non-empty string');
  return source;
}
