import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ERROR_CODES } from '@cairn/protocol';
import type { AnalyticsStore } from '../analytics/analytics-store.js';
import { httpError } from '../http/http-error.js';
import { parseJsonBody } from '../http/parse-json-body.js';
import { readRequestBody } from '../http/read-body.js';
import { parseSegmentDefinition, type Condition, type DefinitionFault } from '../segments/segment-definition.js';
import type { SegmentPerson } from '../segments/segment-result.js';
import type { Store } from '../store/store.js';
import { EXPORT_PAGE_SIZE, SEGMENT_CSV_HEADER, segmentNdjsonLine } from '../segments/segment-export.js';
import { csvCell } from './admin-export-format.js';
import { answerQueryTimeout } from './analytics-timeout.js';

/** A definition is a few conditions; anything bigger is not one. */
export const MAX_DEFINITION_BYTES = 64 * 1024;
const NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}$/;
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

/**
 * The segments API under `/admin` (behind the admin token): `POST /api/segments/preview`
 * (a definition → `{count, people, warnings}`), `PUT|GET|DELETE /api/segments/{name}`,
 * `GET /api/segments` and `GET /api/segments/{name}/people?format=json|csv|ndjson`. A
 * definition with faults answers 400 `invalid_definition` naming each by its path; an event
 * name never seen is a warning. Pages: `limit` (default 100, at most 1000) and `offset`;
 * the csv and ndjson exports hold everyone.
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $TOKEN" -d '{"did":"Signed In","within":"P7D"}' http://localhost:8787/admin/api/segments/preview
 */
export function createAdminSegmentRoutes(store: Store, now: () => number): Hono {
  const routes = new Hono();
  const analytics = () => requireAnalytics(store);

  routes.post('/api/segments/preview', async (c) => {
    const condition = readDefinition(await readBody(c.req.raw));
    return c.json(await answerQueryTimeout(analytics().querySegment({ condition, now: now(), ...page(c.req.query()) })));
  });
  routes.get('/api/segments', async (c) => c.json({ segments: await analytics().listSegments() }));
  routes.put('/api/segments/:name', async (c) => {
    const name = segmentName(c.req.param('name'));
    const definition = await readBody(c.req.raw);
    readDefinition(definition);
    const { created } = await analytics().putSegment({ name, definition, now: new Date(now()).toISOString() });
    return c.json(await analytics().getSegment(name), created ? 201 : 200);
  });
  routes.get('/api/segments/:name', async (c) => c.json(await stored(c.req.param('name'))));
  routes.delete('/api/segments/:name', async (c) => {
    if (!(await analytics().deleteSegment(segmentName(c.req.param('name'))))) throw missing(c.req.param('name'));
    return c.body(null, 204);
  });
  routes.get('/api/segments/:name/people', async (c) => {
    const segment = await stored(c.req.param('name'));
    const condition = readDefinition(segment.definition);
    const format = c.req.query('format') ?? 'json';
    if (format === 'json') return c.json(await answerQueryTimeout(analytics().querySegment({ condition, now: now(), ...page(c.req.query()) })));
    if (format !== 'csv' && format !== 'ndjson') throw httpError(400, ERROR_CODES.invalidQuery, 'format must be json, csv or ndjson');
    const members = await answerQueryTimeout(analytics().segmentMembers({ condition, now: now() }));
    return new Response(exportStream(analytics(), members, format), {
      headers: {
        'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="segment-${segment.name.replace(/[^A-Za-z0-9_.-]/g, '_')}.${format}"`,
      },
    });
  });
  return routes;

  async function stored(name: string) {
    const segment = await analytics().getSegment(segmentName(name));
    if (segment === null) throw missing(name);
    return segment;
  }
}

/**
 * An export as a stream: the members' details are read EXPORT_PAGE_SIZE people at a time, as
 * the client takes the bytes, so a 100,000-person export holds one page (and the list of ids),
 * never the whole file. A read that fails mid-way ends the stream with an error (the client
 * sees a cut-off download, not a complete-looking file).
 */
function exportStream(analytics: AnalyticsStore, members: readonly string[], format: 'csv' | 'ndjson'): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (format === 'csv') controller.enqueue(encoder.encode(SEGMENT_CSV_HEADER));
      },
      async pull(controller) {
        if (next >= members.length) return controller.close();
        const people = await analytics.readPeople(members.slice(next, next + EXPORT_PAGE_SIZE));
        next += EXPORT_PAGE_SIZE;
        controller.enqueue(encoder.encode(people.map(format === 'csv' ? segmentCsvLine : segmentNdjsonLine).join('')));
      },
    },
    { highWaterMark: 1 },
  );
}

/**
 * One person as a CSV record (RFC 4180): user_id, anonymous_ids as a JSON array (an id may hold
 * any character, so a separator could not be told apart from one), first_seen, last_seen,
 * traits as JSON. Cells starting with =, +, -, @, tab or CR get a leading ' (csvCell); only
 * user_id can (the JSON cells start with [ or {): the NDJSON export is the lossless one.
 *
 * @example
 * segmentCsvLine(person) // 'alice,"[""anon-1""]",2026-…,2026-…,"{""plan"":""pro""}"\r\n'
 */
export function segmentCsvLine(person: SegmentPerson): string {
  return `${[person.userId, JSON.stringify(person.anonymousIds), person.firstSeen, person.lastSeen, JSON.stringify(person.traits)].map(csvCell).join(',')}\r\n`;
}

/** The store's analytics methods, or 404 when this store has none. */
export function requireAnalytics(store: Store): AnalyticsStore {
  if (typeof store.querySegment !== 'function') {
    throw httpError(404, ERROR_CODES.notFound, `the ${store.kind} store does not keep people, segments or funnels`);
  }
  return store as Store & AnalyticsStore;
}

/** Reads a definition body (JSON, at most MAX_DEFINITION_BYTES). */
export async function readBody(request: Request): Promise<unknown> {
  return parseJsonBody(await readRequestBody(request, MAX_DEFINITION_BYTES));
}

/** 400 `invalid_definition` listing every fault by path, in the message and as `faults`. */
export function definitionError(faults: readonly DefinitionFault[]) {
  const message = `the definition has ${faults.length} fault${faults.length === 1 ? '' : 's'}: ${faults.map((fault) => `${fault.path}: ${fault.message}`).join('; ')}`;
  const body = JSON.stringify({ error: { code: ERROR_CODES.invalidDefinition, message, faults } });
  return new HTTPException(400, { message, res: new Response(body, { status: 400, headers: { 'content-type': 'application/json; charset=utf-8' } }) });
}

function readDefinition(body: unknown): Condition {
  const { condition, faults } = parseSegmentDefinition(body);
  if (!condition) throw definitionError(faults);
  return condition;
}

function segmentName(name: string): string {
  if (!NAME.test(name)) throw httpError(400, ERROR_CODES.invalidQuery, 'a segment name is 1–100 letters, digits, spaces, _, . or -, starting with a letter or digit');
  return name;
}

function missing(name: string) {
  return httpError(404, ERROR_CODES.notFound, `no segment named ${JSON.stringify(name)}`);
}

function page(query: Record<string, string>): { limit: number; offset: number } {
  const number = (key: string, fallback: number, max: number) => {
    const text = query[key];
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value > max) throw httpError(400, ERROR_CODES.invalidQuery, `${key} must be a whole number from 0 to ${max}`);
    return value;
  };
  const limit = number('limit', DEFAULT_PAGE, MAX_PAGE);
  return { limit: limit === 0 ? DEFAULT_PAGE : limit, offset: number('offset', 0, 10_000_000) };
}
