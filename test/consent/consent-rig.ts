import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WireEvent } from '@cairn/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startCollector, type CollectorProcess } from '../../scripts/collector-process.mjs';
import { startStaticServer, type StaticServer } from '../../scripts/static-server.mjs';
import { startFaultProxy, type FaultProxy } from '../delivery/fault-proxy.js';
import { openEventsDb, waitFor, type EventsDb } from '../helpers/events-db.js';
import { recordPage, type PageRecorder } from '../helpers/page-recorder.js';
import { SDK_BUNDLE } from '../helpers/repo-paths.js';

export const WRITE_KEY = 'consent-key';
export const ADMIN_TOKEN = 'consent-admin-token-0123456789';
const SITE = new URL('./site/', import.meta.url).pathname;
/** The categories the test pages declare, as the collector's tracking plan declares them. */
const PLAN_EVENTS = { 'Consent Updated': { category: 'necessary' }, 'Ad Clicked': { category: 'marketing' } };
/** The consent add-on (TCF, Consent Mode) as `npm run build -w @cairn/browser` writes it. */
const CONSENT_ADD_ON = SDK_BUNDLE.replace(/cairn\.js$/, 'cairn-consent.js');

/** What a page's storage holds that could recognise the visitor next time. */
export interface PageTraces {
  localStorage: Record<string, string>;
  cookies: string;
  /** Records in the SDK's IndexedDB queue (`cairn`/`events`); 0 when the database does not exist. */
  queued: number;
}

export interface ConsentRig {
  collector: CollectorProcess;
  dbPath: string;
  db: EventsDb;
  proxy: FaultProxy;
  site: StaticServer;
  context: BrowserContext;
  page: Page;
  recorder: PageRecorder;
  /** Stored events (parsed raw JSON), optionally only those named `event`. */
  stored(event?: string): WireEvent[];
  /** messageIds of every event that reached the collector (through the proxy). */
  received(): string[];
  waitForStored(count: number, event?: string): Promise<WireEvent[]>;
  traces(): Promise<PageTraces>;
  diagnose(): string;
  dispose(): Promise<void>;
}

/**
 * The real collector CLI (admin token set) behind a recording proxy, a consent test page from
 * `site/` served from another origin, in a fresh browser profile. `init` runs in the page before
 * any of its scripts (a GPC browser, a CMP); `files` serves more scripts (URL glob → file).
 *
 * @example
 * const rig = await startConsentRig(browser, '/required.html');
 * await rig.page.evaluate(() => cairn.setConsent({ analytics: true }));
 */
export async function startConsentRig(
  browser: Browser,
  path: string,
  init: { script?: () => void; path?: string }[] = [],
  files: Record<string, string> = {},
): Promise<ConsentRig> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-consent-'));
  const dbPath = join(dir, 'cairn.db');
  // The collector learns the categories the pages declare from its tracking plan, as an
  // operator configures it (the plan mirrors data-event-categories).
  await writeFile(join(dir, 'plan.json'), JSON.stringify({ events: PLAN_EVENTS }));
  const config = { sources: [{ name: 'default', writeKey: WRITE_KEY }], adminToken: ADMIN_TOKEN, trackingPlan: 'plan.json' };
  await writeFile(join(dir, 'cairn.config.json'), JSON.stringify(config));
  const collector = await startCollector({
    args: ['--port', '0', '--db', dbPath, '--config', join(dir, 'cairn.config.json'), '--rate-limit', '0'],
  });
  const proxy = await startFaultProxy(collector.url);
  const site = await startStaticServer({ root: SITE, sdkPath: SDK_BUNDLE, endpoint: proxy.url, writeKey: WRITE_KEY });
  const context = await browser.newContext();
  // The static server serves cairn.js only; the add-on comes from the same build.
  for (const [glob, path] of Object.entries({ '**/cairn-consent.js': CONSENT_ADD_ON, ...files })) {
    await context.route(glob, (route) => route.fulfill({ path, contentType: 'text/javascript' }));
  }
  for (const item of init) await context.addInitScript(item.script ?? { path: item.path });
  const db = openEventsDb(dbPath);
  const page = await context.newPage();
  const recorder = recordPage(page);
  await page.goto(site.url + path);
  await page.waitForFunction(() => typeof (window as unknown as { cairn: { flush?: unknown } }).cairn.flush == 'function');

  const stored = (event?: string) =>
    db
      .events()
      .map((row) => JSON.parse(row.raw) as WireEvent)
      .filter((row) => event === undefined || row.event === event);
  const rig: ConsentRig = {
    collector,
    dbPath,
    db,
    proxy,
    site,
    context,
    page,
    recorder,
    stored,
    received: () => proxy.requests.flatMap((request) => request.ids),
    waitForStored: (count, event) =>
      waitFor(`${count} stored ${event ?? ''} events`, () => stored(event), (rows) => rows.length >= count, () => rig.diagnose()),
    traces: async () => ({ ...(await page.evaluate(readStorage)), queued: await countIdbRecords(page, 'cairn') }),
    diagnose: () =>
      [
        recorder.report(),
        `proxy saw ${proxy.requests.length} requests: ${JSON.stringify(proxy.requests)}`,
        'collector log:',
        ...collector.logs.map((line) => `  ${JSON.stringify(line)}`),
      ].join('\n'),
    async dispose() {
      await context.close().catch(() => undefined);
      db.close();
      await Promise.allSettled([site.close(), proxy.close(), collector.stop()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

/** Runs in the page: localStorage and cookies. */
function readStorage(): Omit<PageTraces, 'queued'> {
  const stored: Record<string, string> = {};
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i) as string;
    stored[key] = localStorage.getItem(key) as string;
  }
  return { localStorage: stored, cookies: document.cookie };
}

/** Runs in the page: the records in IndexedDB database `name`'s `events` store; 0 when there is none. */
async function countRecords(name: string): Promise<number> {
  const databases = await indexedDB.databases();
  if (!databases.some((database) => database.name === name)) return 0;
  return new Promise<number>((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('events')) return resolve(0);
      const count = db.transaction('events').objectStore('events').count();
      count.onsuccess = () => {
        resolve(count.result);
        db.close();
      };
      count.onerror = () => reject(count.error);
    };
  });
}

/**
 * Records in IndexedDB database `name` (store `events`) of `page`: the SDK's queue is `cairn`.
 *
 * @example
 * await countIdbRecords(rig.page, 'cairn-undecided') // 0
 */
export const countIdbRecords = (page: Page, name: string) => page.evaluate(countRecords, name);

/** Sends a request to the collector's admin API with the admin token. */
export async function adminPost(rig: ConsentRig, path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(rig.collector.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Re-reads an async `read()` every 100 ms until `done` holds; on timeout throws with the last value and `diagnose()`. */
export async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, diagnose: () => string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nlast value: ${JSON.stringify(value)}\n${diagnose()}`);
    await sleep(100);
  }
}
