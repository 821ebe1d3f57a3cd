// The marketing-site example end to end: real Chromium loads the page from one origin, the
// script-tag SDK posts to the real collector CLI on another origin (so CORS is exercised), and
// the assertions read the SQLite file the collector wrote.
import type { WireEvent } from '@cairn/protocol';
import { describe, expect, it } from 'vitest';
import { waitFor, type EventRow } from './helpers/events-db.js';
import { SITE_ROOT } from './helpers/repo-paths.js';
import { useSiteRigs } from './helpers/site-rig.js';

const WRITE_KEY = 'e2e-write-key';
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** `window.cairn` as the page sees it: the stub's queue before load, the tracker after. */
type StubEntry = [method: string, callTimeMs: number, ...args: unknown[]];
type CairnWindow = { cairn: StubEntry[] & { flush: () => Promise<void> } };

const rigs = useSiteRigs(WRITE_KEY);

async function setUp(beforeSdk?: () => Promise<void>) {
  const rig = await rigs.start({ root: SITE_ROOT, beforeSdk });
  expect(new URL(rig.site.url).origin).not.toBe(new URL(rig.collector.url).origin);
  return { ...rig, ...(await rig.visitor()) };
}

const isPageView = (row: EventRow) => row.type === 'page';
const isProductAdded = (row: EventRow) => row.type === 'track' && row.event === 'Product Added';

describe('marketing-site example', () => {
  it('stores the page view and the "Product Added" click exactly once, with their context', async () => {
    const { context, page, recorder, db, collector, site, diagnose } = await setUp();
    const pageUrl = `${site.url}/`;

    await page.goto(pageUrl);
    await page.locator('#summit-qty').fill('2');
    await page.getByRole('button', { name: 'Add to cart' }).click();

    await waitFor(
      'a page view and a "Product Added" row',
      () => db.events(),
      (rows) => rows.some(isPageView) && rows.some(isProductAdded),
      diagnose,
    );
    // flush() resolves once everything queued was acknowledged: any resend would be in by now.
    await page.evaluate(() => (window as unknown as CairnWindow).cairn.flush());
    await context.close();

    const rows = db.events();
    expect(rows.filter(isPageView), diagnose()).toHaveLength(1);
    expect(rows.filter(isProductAdded), diagnose()).toHaveLength(1);
    expect(rows, diagnose()).toHaveLength(2);
    expect(db.quarantine(), diagnose()).toEqual([]);

    const pageView = rows.find(isPageView) as EventRow;
    const added = rows.find(isProductAdded) as EventRow;
    expect(pageView.event).toBeNull();
    for (const row of [pageView, added]) {
      expect(row.source).toBe('default');
      expect(row.message_id).toMatch(ULID);
      expect(row.anonymous_id).toEqual(expect.any(String));
      expect(row.anonymous_id).not.toBe('');
      expect(row.user_id).toBeNull();
      expect(row.timestamp).toMatch(ISO_UTC);
      expect(row.received_at).toMatch(ISO_UTC);
      const raw = JSON.parse(row.raw) as WireEvent;
      expect(raw.messageId).toBe(row.message_id);
      expect(raw.type).toBe(row.type);
      expect(raw.context?.page?.url).toBe(pageUrl);
      expect(raw.context?.library?.name).toBe('@cairn/browser');
    }
    expect(added.anonymous_id).toBe(pageView.anonymous_id);
    expect(JSON.parse(added.raw).properties).toMatchObject({
      product_id: 'summit-blend',
      sku: 'RC-SUM-340',
      name: 'Summit Blend',
      price: 18,
      quantity: 2,
      currency: 'USD',
    });

    // The page's origin differs from the collector's: the browser could only read the
    // acknowledgement because the collector answered with CORS headers for it.
    const acknowledged = recorder.batches.filter((exchange) => exchange.status === 200);
    expect(acknowledged.length, diagnose()).toBeGreaterThan(0);
    for (const exchange of acknowledged) {
      expect([site.url, '*']).toContain(exchange.responseHeaders?.['access-control-allow-origin']);
    }

    // The collector logs each stored batch (npm start prints these lines).
    const batchLines = collector.logs.filter((line) => line.msg === 'batch');
    expect(batchLines.reduce((sum, line) => sum + Number(line.accepted), 0)).toBe(2);
    expect(batchLines.every((line) => line.source === 'default')).toBe(true);

    db.close();
    expect(await collector.stop()).toEqual({ code: 0, signal: null });
  });

  it('replays calls made before cairn.js loaded, in order, with their original call times', async () => {
    let releaseSdk = () => {};
    const sdkHeld = new Promise<void>((resolve) => {
      releaseSdk = resolve;
    });
    const { page, recorder, db, site, diagnose } = await setUp(() => sdkHeld);

    try {
      // /cairn.js is held by the server: the page's cairn.page() and this click hit the stub.
      await page.goto(`${site.url}/`, { waitUntil: 'domcontentloaded' });
      await page.getByRole('button', { name: 'Add to cart' }).click();
      const queued = await page.evaluate(() => {
        const { cairn } = window as unknown as CairnWindow;
        return Array.isArray(cairn) ? cairn.map((entry) => [entry[0], entry[1], entry[2] ?? null] as const) : null;
      });
      expect(queued).toEqual([
        ['page', expect.any(Number), null],
        ['track', expect.any(Number), 'Product Added'],
      ]);
      const pageCalledAt = Number(queued?.[0]?.[1]);
      const trackCalledAt = Number(queued?.[1]?.[1]);

      const sdkReleasedAt = Date.now();
      releaseSdk();

      const rows = await waitFor(
        'the two queued calls as rows',
        () => db.events(),
        (found) => found.some(isPageView) && found.some(isProductAdded),
        diagnose,
      );
      expect(rows, diagnose()).toHaveLength(2);
      const pageView = rows.find(isPageView) as EventRow;
      const added = rows.find(isProductAdded) as EventRow;

      // The stub's call time is the event's time, not the time the SDK replayed it.
      expect(Date.parse(pageView.original_timestamp ?? ''), diagnose()).toBe(pageCalledAt);
      expect(Date.parse(added.original_timestamp ?? ''), diagnose()).toBe(trackCalledAt);
      expect(pageCalledAt).toBeLessThanOrEqual(trackCalledAt);
      expect(trackCalledAt).toBeLessThan(sdkReleasedAt);
      expect(Date.parse((JSON.parse(added.raw) as WireEvent).timestamp)).toBe(trackCalledAt);

      // Replayed in call order: the page view left before the click.
      const sentIds = recorder.sentEvents().map((event) => event.messageId);
      expect(sentIds.indexOf(pageView.message_id), diagnose()).toBeGreaterThanOrEqual(0);
      expect(sentIds.indexOf(pageView.message_id), diagnose()).toBeLessThan(sentIds.indexOf(added.message_id));
    } finally {
      releaseSdk();
    }
  });
});
