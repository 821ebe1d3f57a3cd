import { Hono } from 'hono';
import { ERROR_CODES } from '@cairn/protocol';
import { httpError } from '../http/http-error.js';
import { describeError, type Logger } from '../logger.js';
import type { EventQuery, Store } from '../store/store.js';
import { csvHeader, csvLine, ndjsonLine, type ExportFormat } from './admin-export-format.js';

/** Rows read per store call: a page is formatted and handed to the socket before the next. */
const PAGE_ROWS = 1000;

/**
 * `GET /admin/export?format=ndjson|csv&from=ISO&to=ISO&source=NAME` (behind the admin token):
 * every stored event in (source, timestamp) order, streamed page by page so memory stays
 * flat whatever the table size; the next page is read only when the client has taken the
 * previous one. `from` is inclusive and `to` exclusive, on the event's corrected timestamp.
 *
 * @example
 * curl -H "Authorization: Bearer $TOKEN" 'http://localhost:8787/admin/export?format=csv&from=2024-06-01' > june.csv
 */
export function createAdminExportRoutes(store: Store, logger: Logger): Hono {
  const routes = new Hono();
  routes.get('/export', (c) => {
    const format = (c.req.query('format') ?? 'ndjson') as ExportFormat;
    if (format !== 'ndjson' && format !== 'csv') {
      throw httpError(400, ERROR_CODES.invalidQuery, 'format must be ndjson or csv');
    }
    const from = readTime(c.req.query('from'), 'from');
    const to = readTime(c.req.query('to'), 'to');
    const source = c.req.query('source') || undefined;
    const query: Omit<EventQuery, 'limit' | 'after'> = { source, from, to };
    const encoder = new TextEncoder();
    const line = format === 'csv' ? csvLine : ndjsonLine;
    let after: EventQuery['after'];
    let started = false;
    let rows = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const page = await store.readEvents({ ...query, after, limit: PAGE_ROWS });
          let text = !started && format === 'csv' ? csvHeader() : '';
          started = true;
          for (const row of page) text += line(row);
          rows += page.length;
          if (text) controller.enqueue(encoder.encode(text));
          const last = page.at(-1);
          if (page.length < PAGE_ROWS || last === undefined) {
            logger.info('export', { format, source: source ?? null, from: from ?? null, to: to ?? null, rows });
            controller.close();
            return;
          }
          after = { source: last.source, timestamp: last.timestamp, messageId: last.messageId };
        } catch (error) {
          // Headers are gone already: cutting the stream is the only way to tell the client.
          logger.error('export failed', { rows, error: describeError(error) });
          controller.error(error);
        }
      },
    });
    const stamp = new Date().toISOString().slice(0, 10);
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="cairn-events-${stamp}.${format === 'csv' ? 'csv' : 'ndjson'}"`,
        'cache-control': 'no-store',
      },
    });
  });
  return routes;
}

/** A date or date-time → the stored UTC ISO form, so text comparison orders correctly. */
function readTime(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time)) {
    throw httpError(400, ERROR_CODES.invalidQuery, `${name} must be an ISO 8601 date or date-time, e.g. 2024-06-01 or 2024-06-01T12:00:00Z`);
  }
  return new Date(time).toISOString();
}
