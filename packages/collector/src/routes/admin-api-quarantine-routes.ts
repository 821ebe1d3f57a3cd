import { Hono } from 'hono';
import { ERROR_CODES } from '@cairn/protocol';
import type { ConsoleReads } from '../console/console-reads.js';
import { httpError } from '../http/http-error.js';
import { parseJsonBody } from '../http/parse-json-body.js';
import { readRequestBody } from '../http/read-body.js';
import type { Stage } from '../ingest/stage.js';
import { isPlainObject } from '../json/is-plain-object.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { replayQuarantine } from '../replay/replay-quarantine.js';
import type { Store } from '../store/store.js';
import { readLimit, readText } from './admin-api-params.js';

const MAX_BODY_BYTES = 64 * 1024;
const MAX_IDS = 1000;
/** Rows deleted per store call when deleting every row of a code. */
const DELETE_PAGE = 500;

/** Which quarantine rows an action is about: the ids selected, or every row of a code. */
interface Selection {
  ids?: number[];
  code?: string;
  source?: string;
}

export interface AdminApiQuarantineDeps {
  reads: ConsoleReads;
  store: Store;
  stages: readonly Stage[];
  logger: Logger;
  metrics: Metrics;
}

/**
 * The quarantine under `/admin/api`: `GET /quarantine/summary` (counts by reason code),
 * `GET /quarantine?code=&source=&limit=&before=` (newest first), `GET /quarantine/{id}`,
 * `POST /quarantine/replay` and `POST /quarantine/delete` with `{"ids": [..]}` or
 * `{"code": "plan_violation"}`. Every action is logged (`quarantine action`) and counted in
 * `cairn_console_actions_total{action}` (replays also in `cairn_replayed_total{outcome}`).
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $TOKEN" -d '{"code":"plan_violation"}' http://localhost:8787/admin/api/quarantine/replay
 */
export function createAdminApiQuarantineRoutes(deps: AdminApiQuarantineDeps): Hono {
  const routes = new Hono();
  const actions = deps.metrics.counter('cairn_console_actions_total', 'Quarantine actions taken through /admin/api, by action');
  const deleted = deps.metrics.counter('cairn_quarantine_deleted_total', 'Quarantined events deleted through /admin/api');

  routes.get('/quarantine/summary', async (c) => {
    const source = readText(c, 'source');
    const codes = await deps.reads.quarantineCounts(source ? { source } : {});
    return c.json({ total: codes.reduce((sum, row) => sum + row.count, 0), codes });
  });
  routes.get('/quarantine', async (c) => {
    const limit = readLimit(c.req.query('limit'), 50, 500);
    const beforeText = c.req.query('before');
    const before = beforeText === undefined || beforeText === '' ? undefined : Number(beforeText);
    if (before !== undefined && !Number.isSafeInteger(before)) throw httpError(400, ERROR_CODES.invalidQuery, 'before must be a quarantine id (the `next` of the previous page)');
    const source = readText(c, 'source');
    const code = readText(c, 'code');
    const rows = await deps.reads.listQuarantine({ limit, ...(before !== undefined ? { before } : {}), ...(source ? { source } : {}), ...(code ? { code } : {}) });
    const last = rows.at(-1);
    return c.json({ rows, next: rows.length === limit && last ? last.id : null });
  });
  routes.get('/quarantine/:id{[0-9]+}', async (c) => {
    const row = await deps.reads.getQuarantine({ id: Number(c.req.param('id')) });
    if (!row) throw httpError(404, ERROR_CODES.notFound, `no quarantine row ${c.req.param('id')} (replayed or deleted already?)`);
    return c.json(row);
  });

  routes.post('/quarantine/replay', async (c) => {
    const selection = await readSelection(c.req.raw);
    const report = await replayQuarantine({ store: deps.store, stages: deps.stages, metrics: deps.metrics, ...selection });
    const action = selection.ids ? 'replay_selected' : 'replay_code';
    actions.inc({ action });
    deps.logger.info('quarantine action', { action, ...describe(selection), ...report });
    return c.json(report);
  });
  routes.post('/quarantine/delete', async (c) => {
    const selection = await readSelection(c.req.raw);
    let count = 0;
    if (selection.ids) count = await deps.store.deleteQuarantine(selection.ids);
    else {
      for (;;) {
        const rows = await deps.store.readQuarantine({ limit: DELETE_PAGE, ...selection });
        if (rows.length === 0) break;
        count += await deps.store.deleteQuarantine(rows.map((row) => row.id));
        if (rows.length < DELETE_PAGE) break;
      }
    }
    const action = selection.ids ? 'delete_selected' : 'delete_code';
    actions.inc({ action });
    deleted.inc({}, count);
    deps.logger.info('quarantine action', { action, ...describe(selection), deleted: count });
    return c.json({ deleted: count });
  });
  return routes;
}

async function readSelection(request: Request): Promise<Selection> {
  const body = parseJsonBody(await readRequestBody(request, MAX_BODY_BYTES));
  const fail = (message: string) => httpError(400, ERROR_CODES.invalidBody, message);
  if (!isPlainObject(body)) throw fail('body must be a JSON object: {"ids": [1, 2]} or {"code": "plan_violation", "source"?: "shop"}');
  const unknown = Object.keys(body).find((key) => key !== 'ids' && key !== 'code' && key !== 'source');
  if (unknown !== undefined) throw fail(`unknown field ${unknown.slice(0, 40)}; expected ids, code or source`);
  const { ids, code, source } = body;
  const selection: Selection = {};
  if (ids !== undefined) {
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_IDS || !ids.every((id) => Number.isSafeInteger(id) && (id as number) > 0)) {
      throw fail(`ids must be a list of 1 to ${MAX_IDS} quarantine ids`);
    }
    selection.ids = ids as number[];
  }
  if (code !== undefined) {
    if (typeof code !== 'string' || code === '' || code.length > 100) throw fail('code must be a rejection code such as plan_violation');
    selection.code = code;
  }
  if (source !== undefined) {
    if (typeof source !== 'string' || source === '') throw fail('source must be a non-empty string');
    selection.source = source;
  }
  if (selection.ids === undefined && selection.code === undefined) throw fail('say which rows: {"ids": [..]} (selected) or {"code": ".."} (every row with that code)');
  return selection;
}

function describe(selection: Selection): Record<string, unknown> {
  return { ids: selection.ids?.length ?? null, code: selection.code ?? null, source: selection.source ?? null };
}
