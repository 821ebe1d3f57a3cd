import type { WireEvent } from '@cairn/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startStaticServer, type StaticServer } from '../../scripts/static-server.mjs';
import { openEventsDb, waitFor, type EventsDb } from '../helpers/events-db.js';
import { recordPage, type PageRecorder } from '../helpers/page-recorder.js';
import { SDK_BUNDLE } from '../helpers/repo-paths.js';
import { startTestCollector, type TestCollector } from '../helpers/test-collector.js';
import { useBrowserRigs } from '../helpers/browser-rigs.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';

const WRITE_KEY = 'delivery-key';
const SITE = new URL('./site/', import.meta.url).pathname;

/** `window.cairn` once the SDK has loaded. */
type CairnWindow = { cairn: { track(event: string, properties?: object): void; flush(): Promise<void> } };

export interface Tab {
  page: Page;
  recorder: PageRecorder;
  /** Tracks `Delivery Test` events labelled `${tab}-${n}` for n in [from, to). */
  track(tab: string, from: number, to: number): Promise<void>;
}

export interface DeliveryRig {
  collector: TestCollector;
  proxy: FaultProxy;
  site: StaticServer;
  context: BrowserContext;
  db: EventsDb;
  tabs: Tab[];
  /** Opens the SDK's test page in a new tab of the same browser profile, SDK loaded. */
  openTab(path?: string): Promise<Tab>;
  /** Rows in `events`, distinct messageIds, and the labels of the stored test events (sorted). */
  stored(): { rows: number; distinct: number; labels: string[] };
  /** Waits until `rows` events are stored. */
  waitForRows(rows: number, timeoutMs?: number): Promise<void>;
  /** What every part saw, for failure messages. */
  diagnose(): string;
  dispose(): Promise<void>;
}

/**
 * Registers a suite's lifecycle: one Chromium for the file, and each test's rig disposed after
 * the test, so a failing test never leaks a collector, proxy or server into the next.
 */
export function useDeliveryRigs() {
  const rigs = useBrowserRigs<DeliveryRig>();
  return {
    browser: rigs.browser,
    start: (options?: { webLocks?: boolean }): Promise<DeliveryRig> => rigs.hold(startRig(rigs.browser(), options)),
  };
}

/**
 * One real collector process behind a fault proxy, the SDK test page served from another
 * origin, and a fresh browser profile: what each delivery proof runs on.
 *
 * @example
 * const rig = await startRig(browser);
 * const tab = await rig.openTab();
 * await tab.track('a', 0, 20);
 */
export async function startRig(browser: Browser, options: { webLocks?: boolean } = {}): Promise<DeliveryRig> {
  const collector = await startTestCollector(WRITE_KEY);
  const proxy = await startFaultProxy(collector.url);
  const site = await startStaticServer({ root: SITE, sdkPath: SDK_BUNDLE, endpoint: proxy.url, writeKey: WRITE_KEY });
  const context = await browser.newContext();
  if (options.webLocks === false) {
    // As in Safari before 15.4: each tab then sends only the events it wrote.
    await context.addInitScript(() => delete (Navigator.prototype as { locks?: unknown }).locks);
  }
  const db = openEventsDb(collector.dbPath);
  const tabs: Tab[] = [];

  const rig: DeliveryRig = {
    collector,
    proxy,
    site,
    context,
    db,
    tabs,
    async openTab(path = '/') {
      const page = await context.newPage();
      const recorder = recordPage(page);
      await page.goto(site.url + path);
      await page.waitForFunction(() => typeof (window as unknown as CairnWindow).cairn.flush == 'function');
      const tab: Tab = {
        page,
        recorder,
        track: (label, from, to) =>
          page.evaluate(
            ([label, from, to]) => {
              for (let n = from; n < to; n++) (window as unknown as CairnWindow).cairn.track('Delivery Test', { label: `${label}-${n}` });
            },
            [label, from, to] as const,
          ),
      };
      tabs.push(tab);
      return tab;
    },
    stored() {
      const rows = db.events().filter((row) => row.event === 'Delivery Test');
      return {
        rows: rows.length,
        distinct: new Set(rows.map((row) => row.message_id)).size,
        labels: rows.map((row) => String((JSON.parse(row.raw) as WireEvent).properties?.label)).sort(),
      };
    },
    async waitForRows(rows, timeoutMs = 15_000) {
      await waitFor(`${rows} stored events`, () => rig.stored().rows, (count) => count >= rows, rig.diagnose, timeoutMs);
    },
    diagnose: () =>
      [
        ...tabs.map((tab, i) => `tab ${i}:\n${tab.recorder.report()}`),
        `proxy saw ${proxy.requests.length} requests:`,
        ...proxy.requests.map((request) => `  ${JSON.stringify({ ...request, ids: request.ids.length })}`),
        'collector log:',
        ...collector.logs.map((line) => `  ${JSON.stringify(line)}`),
      ].join('\n'),
    async dispose() {
      await context.close().catch(() => undefined);
      db.close();
      await Promise.allSettled([site.close(), proxy.close(), collector.dispose()]);
    },
  };
  return rig;
}

/** The expected labels of events `${label}-${n}`, n in [0, count), sorted like stored(). */
export const labels = (label: string, count: number) => Array.from({ length: count }, (_, n) => `${label}-${n}`).sort();

/** Sum of a numeric field over the collector's `batch` log lines. */
export const loggedTotal = (collector: TestCollector, field: 'accepted' | 'duplicates' | 'rejected') =>
  collector.logs.filter((line) => line.msg === 'batch').reduce((sum, line) => sum + Number(line[field]), 0);
