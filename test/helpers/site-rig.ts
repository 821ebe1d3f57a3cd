import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { startStaticServer, type StaticServer, type StaticServerOptions } from '../../scripts/static-server.mjs';
import { useBrowserRigs } from './browser-rigs.js';
import { openEventsDb, type EventsDb } from './events-db.js';
import { recordPage, type PageRecorder } from './page-recorder.js';
import { SDK_BUNDLE } from './repo-paths.js';
import { startTestCollector, type TestCollector } from './test-collector.js';

/** One visitor: a fresh browser profile with one page, whose requests are recorded. */
export interface Visitor {
  context: BrowserContext;
  page: Page;
  recorder: PageRecorder;
}

export interface SiteRig {
  collector: TestCollector;
  site: StaticServer;
  db: EventsDb;
  /** Opens a new visitor (browser context, with `options`); every one is closed with the rig. */
  visitor(options?: BrowserContextOptions): Promise<Visitor>;
  /** Every visitor's page report and the collector log, for failure messages. */
  diagnose(): string;
  dispose(): Promise<void>;
}

export interface SiteRigOptions {
  writeKey: string;
  /** The folder served at `/` (its pages' data-endpoint and data-write-key are rewritten). */
  root: string;
  beforeSdk?: StaticServerOptions['beforeSdk'];
  /** More collector flags (`--admin-token`, `--cart-idle` …). */
  collectorArgs?: readonly string[];
}

/**
 * The real collector CLI on a fresh SQLite file, a site served from another origin pointed at
 * it, and its events read back from the file: what the end-to-end tests of the examples and the
 * script tag run on. Visitors are opened on demand.
 *
 * @example
 * const rig = await startSiteRig(browser, { writeKey: 'e2e', root: SITE_ROOT });
 * const { page } = await rig.visitor();
 * await page.goto(`${rig.site.url}/`);
 * await rig.dispose();
 */
export async function startSiteRig(browser: Browser, { writeKey, root, beforeSdk, collectorArgs }: SiteRigOptions): Promise<SiteRig> {
  const collector = await startTestCollector(writeKey, collectorArgs);
  const site = await startStaticServer({ root, sdkPath: SDK_BUNDLE, endpoint: collector.url, writeKey, beforeSdk }).catch(
    async (error: unknown) => {
      await collector.dispose();
      throw error;
    },
  );
  let db: EventsDb;
  try {
    db = openEventsDb(collector.dbPath);
  } catch (error) {
    await Promise.allSettled([site.close(), collector.dispose()]);
    throw error;
  }
  const visitors: Visitor[] = [];
  return {
    collector,
    site,
    db,
    async visitor(options) {
      const context = await browser.newContext(options);
      const page = await context.newPage();
      const visitor = { context, page, recorder: recordPage(page) };
      visitors.push(visitor);
      return visitor;
    },
    diagnose: () =>
      `${visitors.map((visitor) => visitor.recorder.report()).join('\n')}\ncollector log:\n${collector.logs
        .map((line) => `  ${JSON.stringify(line)}`)
        .join('\n')}`,
    async dispose() {
      // Each step on its own: one failing close must not leave a process or a port behind.
      await Promise.allSettled(visitors.map((visitor) => visitor.context.close()));
      db.close();
      await Promise.allSettled([site.close(), collector.dispose()]);
    },
  };
}

/**
 * Registers a test file's lifecycle: one Chromium for the file; each test's rig, and the
 * temporary folders it asked for, disposed after the test, so a failing test never leaks a
 * collector, a server or a browser profile into the next.
 *
 * @example
 * const rigs = useSiteRigs('e2e-write-key');
 * it('stores a page view', async () => {
 *   const rig = await rigs.start({ root: SITE_ROOT });
 * });
 */
export function useSiteRigs(writeKey: string) {
  const rigs = useBrowserRigs<SiteRig>();
  return {
    start: (options: Omit<SiteRigOptions, 'writeKey'>): Promise<SiteRig> => rigs.hold(startSiteRig(rigs.browser(), { writeKey, ...options })),
    /** Runs `cleanup` after the test, after the rig is disposed. */
    after: (cleanup: () => Promise<unknown>) => rigs.after(cleanup),
    /** A fresh temporary folder (for a test's own pages), removed after the test. */
    tempDir: async (prefix: string): Promise<string> => {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      rigs.after(() => rm(dir, { recursive: true, force: true }));
      return dir;
    },
  };
}
