import type { BatchRequest, WireEvent } from '@cairn/protocol';
import type { Page, Request } from 'playwright-core';

/** One POST to the collector as the browser saw it. */
export interface BatchExchange {
  url: string;
  body: BatchRequest | string | null;
  status?: number;
  responseHeaders?: Record<string, string>;
  response?: string;
  failure?: string;
}

export interface PageRecorder {
  console: string[];
  batches: BatchExchange[];
  /** Every event the page sent, in the order the requests left. */
  sentEvents(): WireEvent[];
  /** Console output and every batch exchange, for failure messages. */
  report(): string;
}

/**
 * Records a page's console and its requests to `/v1/batch`, so a failing end-to-end test
 * reports what the SDK sent and what the collector answered, not only "no row".
 */
export function recordPage(page: Page): PageRecorder {
  const consoleLines: string[] = [];
  const batches: BatchExchange[] = [];
  const byRequest = new Map<Request, BatchExchange>();

  page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
  page.on('request', (request) => {
    if (request.method() !== 'POST' || !new URL(request.url()).pathname.startsWith('/v1/')) return;
    const exchange: BatchExchange = { url: request.url(), body: parseBody(request.postData()) };
    byRequest.set(request, exchange);
    batches.push(exchange);
  });
  page.on('requestfinished', async (request) => {
    const exchange = byRequest.get(request);
    const response = await request.response().catch(() => null);
    if (!exchange || !response) return;
    exchange.status = response.status();
    exchange.responseHeaders = await response.allHeaders().catch(() => ({}));
    // keepalive requests may outlive the page; their body is then gone.
    exchange.response = await response.text().catch(() => '<body unavailable>');
  });
  page.on('requestfailed', (request) => {
    const exchange = byRequest.get(request);
    if (exchange) exchange.failure = request.failure()?.errorText ?? 'failed';
  });

  return {
    console: consoleLines,
    batches,
    sentEvents: () =>
      batches.flatMap((exchange) =>
        typeof exchange.body === 'object' && exchange.body !== null && Array.isArray(exchange.body.batch)
          ? exchange.body.batch
          : [],
      ),
    report: () =>
      [
        `page console (${consoleLines.length} lines):`,
        ...consoleLines.map((line) => `  ${line}`),
        `requests to the collector (${batches.length}):`,
        ...batches.map((exchange) => `  ${JSON.stringify(exchange)}`),
      ].join('\n'),
  };
}

function parseBody(text: string | null): BatchRequest | string | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as BatchRequest;
  } catch {
    return text;
  }
}
