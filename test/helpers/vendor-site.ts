import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-paths.js';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { waitFor, type EventRow } from './events-db.js';
import type { SiteRig, useSiteRigs, Visitor } from './site-rig.js';

/** Segment's official snippet as its npm package renders it (`min` is the minified one). */
export const segmentSnippet = createRequire(import.meta.url)('@segment/snippet') as {
  min(options: Record<string, unknown>): string;
  max(options: Record<string, unknown>): string;
};

/** Segment's standalone build (what its snippet loads from its CDN) and its lazy chunks. */
export const SEGMENT_UMD_DIR = `${REPO_ROOT}node_modules/@segment/analytics-next/dist/umd`;
/** RudderStack v3 with its plugins bundled in (no plugin is fetched at run time). */
export const RUDDERSTACK_ESM = `${REPO_ROOT}node_modules/@rudderstack/analytics-js/dist/npm/modern/bundled/esm/index.mjs`;
/**
 * Where the site serves Segment's build: `${SEGMENT_CDN_PATH}/analytics-next/bundles/index.js`
 * and its chunks beside it, the layout Segment's CDN has, so `analytics._cdn` can point here.
 */
export const SEGMENT_CDN_PATH = '/vendor/segment';

/** Cairn's Segment add-on, as `npm run build -w @cairn/browser` writes it (served at `/cairn-segment.js`). */
export const SEGMENT_ADD_ON = `${REPO_ROOT}packages/browser/dist/cairn-segment.js`;

/** One request a page made to the collector. */
export interface OutgoingRequest {
  method: string;
  url: string;
  contentType?: string;
  body: string | null;
}

/**
 * Copies the vendor libraries into the site's root, served like any other file of the site:
 * Segment's build under {@link SEGMENT_CDN_PATH}, RudderStack's at `/vendor/rudderstack.mjs`,
 * Cairn's Segment add-on at `/cairn-segment.js`; and `/plain.html`, a page without tracking to navigate to.
 *
 * @example
 * await installVendorFiles(root);
 */
export async function installVendorFiles(root: string): Promise<void> {
  const bundles = join(root, SEGMENT_CDN_PATH, 'analytics-next', 'bundles');
  await mkdir(bundles, { recursive: true });
  for (const name of await readdir(SEGMENT_UMD_DIR)) {
    if (name.endsWith('.js')) await copyFile(join(SEGMENT_UMD_DIR, name), join(bundles, name));
  }
  await copyFile(RUDDERSTACK_ESM, join(root, 'vendor', 'rudderstack.mjs'));
  await copyFile(SEGMENT_ADD_ON, join(root, 'cairn-segment.js'));
  await writeFile(join(root, 'plain.html'), '<!doctype html><title>Plain</title><p>No tracking here.</p>');
}

/** A local proxy that refuses everything and remembers what was asked of it. */
export interface RefusingProxy {
  url: string;
  /** `GET http://host/path` or `CONNECT host:443`, one per attempt. */
  attempts: string[];
  close(): Promise<void>;
}

/**
 * The proxy a visitor's browser is given: loopback is bypassed, so the site and the
 * collector are reached directly (and their CORS preflights are real: request interception would
 * make Playwright answer preflights itself), while any request for another host (a CDN, a
 * settings or config API) ends here, is recorded and refused, and never leaves the machine.
 *
 * @example
 * const proxy = await startRefusingProxy();
 * const context = await browser.newContext({ proxy: { server: proxy.url } });
 */
export async function startRefusingProxy(): Promise<RefusingProxy> {
  const attempts: string[] = [];
  const server = createServer((req, res) => {
    attempts.push(`${req.method} ${req.url}`);
    res.writeHead(403).end();
  });
  server.on('connect', (req, socket) => {
    attempts.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    attempts,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A relay in front of the collector whose answers to POSTs arrive late (see {@link startSlowRelay}). */
export interface SlowRelay {
  url: string;
  close(): Promise<void>;
}

/**
 * A relay to the real collector that forwards each request at once, and holds the collector's
 * answer to a POST for `delayMs` before passing it on: the collector has stored the events
 * while the page still waits for its answer, the state a page is in when a visitor leaves
 * during a send (the duplicate path: the library keeps those events and resends them).
 *
 * @example
 * const relay = await startSlowRelay(rig.collector.url, 1500);
 */
export async function startSlowRelay(target: string, delayMs: number): Promise<SlowRelay> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name, value]) => typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)),
    ) as Record<string, string>;
    try {
      const answer = await fetch(new URL(req.url ?? '/', target), {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' ? undefined : Buffer.concat(chunks),
      });
      const body = Buffer.from(await answer.arrayBuffer());
      if (req.method === 'POST') await new Promise((resolve) => setTimeout(resolve, delayMs));
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!['content-encoding', 'content-length', 'connection', 'keep-alive', 'transfer-encoding'].includes(name)) out[name] = value;
      });
      res.writeHead(answer.status, out).end(body);
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A visitor whose browser goes through `proxy` (see {@link startRefusingProxy}), with the
 * requests its pages make to the collector recorded.
 *
 * @example
 * const { page, sent } = await confinedVisitor(rig, proxy);
 */
export async function confinedVisitor(rig: SiteRig, proxy: RefusingProxy): Promise<Visitor & { sent: OutgoingRequest[] }> {
  // Playwright makes Chromium proxy loopback too unless told: the test's servers are bypassed.
  const visitor = await rig.visitor({ proxy: { server: proxy.url, bypass: '127.0.0.1' } });
  const sent: OutgoingRequest[] = [];
  const collector = new URL(rig.collector.url).origin;
  visitor.context.on('request', (request) => {
    if (new URL(request.url()).origin !== collector || request.method() === 'OPTIONS') return;
    sent.push({ method: request.method(), url: request.url(), contentType: request.headers()['content-type'], body: request.postData() });
  });
  return { ...visitor, sent };
}

/** The events in the requests recorded by {@link confinedVisitor}, with the path each went to. */
export function eventsSent(sent: readonly OutgoingRequest[]): { path: string; event: Record<string, unknown> }[] {
  return sent.flatMap((request) => {
    const path = new URL(request.url).pathname;
    let body: unknown;
    try {
      body = JSON.parse(request.body ?? '');
    } catch {
      return [];
    }
    if (typeof body !== 'object' || body === null || path === '/v1/m') return [];
    const batch = (body as { batch?: unknown }).batch;
    return (Array.isArray(batch) ? batch : [body]).map((event) => ({ path, event: event as Record<string, unknown> }));
  });
}

/**
 * A site rig for a vendor library: a fresh root with the vendor files, the collector, and the
 * refusing proxy (closed after the test).
 *
 * @example
 * const { root, rig, proxy } = await startVendorRig(rigs, 'cairn-segment-');
 */
export async function startVendorRig(rigs: ReturnType<typeof useSiteRigs>, prefix: string) {
  const root = await rigs.tempDir(prefix);
  const rig = await rigs.start({ root });
  const proxy = await startRefusingProxy();
  rigs.after(proxy.close);
  await installVendorFiles(root);
  return { root, rig, proxy };
}

/**
 * The page-exit case: tracks "Checkout Left" through `window[global]`, leaves for a page without
 * tracking, and waits until `count` rows are stored. Returns the rows and the paths of the POSTs
 * the collector logged.
 *
 * @example
 * const { rows, posts } = await leavePage(rig, page, 'analytics', 4);
 */
export async function leavePage(rig: SiteRig, page: Page, global: string, count: number): Promise<{ rows: EventRow[]; posts: unknown[] }> {
  await page.evaluate((name) => {
    (window as unknown as Record<string, { track(event: string, properties: object): void }>)[name]!.track('Checkout Left', { step: 2 });
    setTimeout(() => (location.href = '/plain.html'), 0);
  }, global);
  await page.waitForURL('**/plain.html');
  const rows = await waitFor(`the ${count} events sent on page exit`, () => rig.db.events(), (found) => found.length >= count, rig.diagnose);
  const posts = rig.collector.logs.filter((line) => line.msg === 'request' && line.method === 'POST').map((line) => line.path);
  return { rows, posts };
}

/** An event row's raw JSON. */
export const rawOf = (row: EventRow) => JSON.parse(row.raw) as Record<string, any>;

/**
 * After a short settle (a late retry would add a row), exactly `count` rows with distinct
 * message ids, nothing quarantined, and no request that tried to leave the machine.
 *
 * @example
 * const rows = await expectStoredOnce(rig, proxy, 15);
 */
export async function expectStoredOnce(rig: SiteRig, proxy: RefusingProxy, count: number): Promise<EventRow[]> {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const rows = rig.db.events();
  expect(rows, rig.diagnose()).toHaveLength(count);
  expect(new Set(rows.map((row) => row.message_id)).size).toBe(count);
  expect(rig.db.quarantine()).toEqual([]);
  expect(proxy.attempts, 'requests that would have left this machine').toEqual([]);
  return rows;
}

/**
 * One visit's rows, as the test pages send them: a page, a "Signed Up" track with the visit's
 * properties and an identify; the time columns filled from the library's own fields
 * (`clientTime`: Segment's `timestamp`, RudderStack's `originalTimestamp`) and skew-corrected.
 *
 * @example
 * expectVisit(mine, 0, 'timestamp');
 */
export function expectVisit(rows: EventRow[], visit: number, clientTime: 'timestamp' | 'originalTimestamp'): void {
  expect(rows.map((row) => row.type).sort()).toEqual(['identify', 'page', 'track']);
  const track = rows.find((row) => row.type === 'track')!;
  expect(track.event).toBe('Signed Up');
  expect(rawOf(track).properties).toEqual({ plan: 'pro', visit: String(visit) });
  for (const row of rows) {
    const event = rawOf(row);
    expect(row.original_timestamp).toBe(event[clientTime]);
    expect(row.sent_at).toBe(event.sentAt);
    expect(Math.abs(Date.parse(row.timestamp) - Date.parse(row.received_at))).toBeLessThan(60_000);
  }
}
