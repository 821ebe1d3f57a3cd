import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { ERROR_CODES } from '@cairn/protocol';
import type { ConsoleReads, EventFilters, EventSummary } from '../console/console-reads.js';
import { explainEvent } from '../console/explain-event.js';
import type { LiveFeed } from '../console/live-feed.js';
import { httpError } from '../http/http-error.js';
import { encodeCursor, readCursor, readLimit, readText } from './admin-api-params.js';

/** Open live streams per collector instance: each holds a connection and a listener. */
const MAX_STREAMS = 50;
const HEARTBEAT_MS = 15_000;

/**
 * `GET /admin/api/events` (newest first, filters, `before` cursor), `GET /admin/api/events/stream`
 * (Server-Sent Events, one `event` message per stored event) and
 * `GET /admin/api/events/{source}/{messageId}` (raw, normalized, what the pipeline did).
 *
 * @example
 * curl -H "Authorization: Bearer $TOKEN" 'http://localhost:8787/admin/api/events?limit=20&event=Product%20Added'
 */
export function createAdminApiEventsRoutes(deps: { reads: ConsoleReads; feed: LiveFeed; ipMode?: string }): Hono {
  const routes = new Hono();
  routes.get('/events', async (c) => {
    const limit = readLimit(c.req.query('limit'), 50, 500);
    const before = readCursor(c.req.query('before'));
    const events = await deps.reads.listEvents({ filters: readFilters(c), ...(before ? { before } : {}), limit });
    const last = events.at(-1);
    return c.json({ events, next: events.length === limit && last ? encodeCursor(last) : null });
  });

  routes.get('/events/stream', (c) => {
    const filters = readFilters(c);
    if (deps.feed.listeners >= MAX_STREAMS) {
      throw httpError(503, ERROR_CODES.storageUnavailable, `${MAX_STREAMS} live streams are open on this instance already; close one`, { 'retry-after': '5' });
    }
    c.header('cache-control', 'no-store');
    return streamSSE(c, async (stream) => {
      let queue = Promise.resolve();
      const unsubscribe = deps.feed.subscribe((events) => {
        for (const event of events) {
          if (!matches(event, filters)) continue;
          queue = queue.then(() => stream.writeSSE({ event: 'event', data: JSON.stringify(event), id: encodeCursor(event) }));
        }
      });
      await stream.writeSSE({ event: 'ready', data: JSON.stringify({ filters }) });
      const done = new Promise<void>((resolve) => stream.onAbort(resolve));
      const heartbeat = setInterval(() => {
        queue = queue.then(() => stream.write(': keep-alive\n\n').then(() => undefined));
      }, HEARTBEAT_MS);
      await done;
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  routes.get('/events/:source/:messageId', async (c) => {
    const event = await deps.reads.getEvent({ source: c.req.param('source'), messageId: c.req.param('messageId') });
    if (!event) throw httpError(404, ERROR_CODES.notFound, `no stored event ${c.req.param('messageId')} in source ${c.req.param('source')}`);
    return c.json({ event, raw: parse(event.raw), normalized: event.normalized === null ? null : parse(event.normalized), pipeline: explainEvent(event, deps.ipMode) });
  });
  return routes;
}

function readFilters(c: Parameters<typeof readText>[0]): EventFilters {
  const filters: EventFilters = {};
  for (const name of ['source', 'type', 'event', 'userId', 'anonymousId', 'device'] as const) {
    const value = readText(c, name);
    if (value !== undefined) filters[name] = value;
  }
  return filters;
}

function matches(event: EventSummary, filters: EventFilters): boolean {
  return (
    (filters.source === undefined || event.source === filters.source) &&
    (filters.type === undefined || event.type === filters.type) &&
    (filters.event === undefined || event.event === filters.event) &&
    (filters.userId === undefined || event.userId === filters.userId) &&
    (filters.anonymousId === undefined || event.anonymousId === filters.anonymousId) &&
    (filters.device === undefined || event.device === filters.device)
  );
}

function parse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}
