// Issue #13: Segment's own browser library (@segment/analytics-next, loaded by Segment's
// official snippet) in real Chromium, pointed at the real collector CLI the way a Segment proxy
// is set up (the Segment.io integration's apiHost), stores its events unchanged.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from './helpers/events-db.js';
import { useSiteRigs } from './helpers/site-rig.js';
import { SEGMENT_CDN_PATH, confinedVisitor, eventsSent, expectStoredOnce, expectVisit, leavePage, rawOf, startSlowRelay, startVendorRig, segmentSnippet } from './helpers/vendor-site.js';

const WRITE_KEY = 'segment-dropin-e2e';
const VISITS = 5;

const rigs = useSiteRigs(WRITE_KEY);

/** Segment's settings for the source, as its CDN would serve them: the Segment.io integration pointed at the collector. */
function segmentSettings(collectorUrl: string, deliveryStrategy?: object) {
  const apiHost = `${new URL(collectorUrl).host}/v1`;
  return { integrations: { 'Segment.io': { apiKey: WRITE_KEY, apiHost, protocol: 'http', ...(deliveryStrategy ? { deliveryStrategy } : {}) } } };
}

/**
 * A page with Segment's official snippet (as its npm package renders it) queueing a page view,
 * a track and an identify, then analytics.js from npm (its standalone build, served by the site,
 * which `analytics._cdn` names as the place of its lazy chunks)
 * loaded the way Segment's CDN loader does (`AnalyticsBrowser.load`, which replays the snippet's
 * queue), with what a Segment proxy user passes: local settings instead of Segment's CDN (in
 * the page, or with `settingsFile` a static file at `_cdn`/v1/projects/KEY/settings), and the
 * collector as the Segment.io integration's API host.
 */
function sitePage(collectorUrl: string, deliveryStrategy?: object, settingsFile = false): string {
  const stub = segmentSnippet.max({ apiKey: WRITE_KEY, load: false, page: true });
  const apiHost = `${new URL(collectorUrl).host}/v1`;
  const settings = settingsFile ? { writeKey: WRITE_KEY } : { writeKey: WRITE_KEY, cdnSettings: segmentSettings(collectorUrl, deliveryStrategy) };
  const options = { integrations: { 'Segment.io': { apiHost, protocol: 'http' } } };
  return `<!doctype html><html><head><title>Segment drop-in</title><script>${stub}</script></head>
<body><h1>Pricing</h1><script>
  var visit = new URLSearchParams(location.search).get('visit');
  analytics.track('Signed Up', { plan: 'pro', visit: visit });
  analytics.identify('user-' + visit, { email: 'user-' + visit + '@example.com' });
</script>
<script>analytics._cdn = location.origin + ${JSON.stringify(SEGMENT_CDN_PATH)};</script>
<script src="${SEGMENT_CDN_PATH}/analytics-next/bundles/index.js"></script>
<script>
  AnalyticsNext.AnalyticsBrowser.load(${JSON.stringify(settings)}, ${JSON.stringify(options)}).then(function (loaded) {
    window.analytics = loaded[0];
  });
</script></body></html>`;
}

describe('Segment analytics-next against the collector', () => {
  it(`stores page, track and identify once each, ${VISITS} visits of ${VISITS}, with no remote request`, async () => {
    const { root, rig, proxy } = await startVendorRig(rigs, 'cairn-segment-');
    await writeFile(join(root, 'index.html'), sitePage(rig.collector.url));
    for (let visit = 0; visit < VISITS; visit++) {
      const { context, page, recorder, sent } = await confinedVisitor(rig, proxy);
      await page.goto(`${rig.site.url}/?visit=${visit}`);
      await waitFor(
        `visit ${visit}'s three events`,
        () => rig.db.events().filter((row) => rawOf(row).properties?.visit === String(visit) || row.user_id === `user-${visit}` || rawOf(row).context?.page?.search === `?visit=${visit}`),
        (rows) => rows.length >= 3,
        () => `${rig.diagnose()}\n${JSON.stringify({ sent, refused: proxy.attempts }, null, 1)}`,
        20_000,
      );
      // Every request answered 200: nothing left for the library to retry.
      await expect.poll(() => recorder.batches.filter((b) => b.status === undefined && b.failure === undefined).length).toBe(0);
      expect(recorder.batches.map((b) => b.status ?? b.failure), recorder.report()).toEqual(recorder.batches.map(() => 200));
      // Playwright reports requests over its own connection, which on a busy machine can lag
      // the collector's commit: wait for the three, then check there are no more.
      await expect.poll(() => eventsSent(sent).map((e) => e.path).sort(), { timeout: 10_000 }).toEqual(['/v1/i', '/v1/p', '/v1/t']);
      await context.close();
    }
    const rows = await expectStoredOnce(rig, proxy, 3 * VISITS);
    for (let visit = 0; visit < VISITS; visit++) {
      const identify = rows.filter((row) => row.type === 'identify' && row.user_id === `user-${visit}`);
      expect(identify).toHaveLength(1);
      const mine = rows.filter((row) => row.anonymous_id === identify[0]!.anonymous_id);
      expectVisit(mine, visit, 'timestamp');
      const pageView = mine.find((row) => row.type === 'page')!;
      expect(rawOf(pageView).context.page).toMatchObject({ path: '/', search: `?visit=${visit}`, title: 'Segment drop-in' });
      // Kept verbatim: Segment's envelope fields are in raw; the columns come from them.
      for (const event of mine.map(rawOf)) {
        expect(event.context.library.name).toBe('analytics.js');
        expect(event._metadata).toBeTypeOf('object');
        expect(event.integrations).toBeTypeOf('object');
        expect(event.writeKey).toBeUndefined();
      }
    }
  });

  it('settings served as a static file under the site’s own _cdn instead of cdnSettings', async () => {
    const { root, rig, proxy } = await startVendorRig(rigs, 'cairn-segment-settings-');
    const settingsDir = join(root, SEGMENT_CDN_PATH, 'v1', 'projects', WRITE_KEY);
    await mkdir(settingsDir, { recursive: true });
    await writeFile(join(settingsDir, 'settings'), JSON.stringify(segmentSettings(rig.collector.url)));
    await writeFile(join(root, 'index.html'), sitePage(rig.collector.url, undefined, true));
    const { page } = await confinedVisitor(rig, proxy);
    await page.goto(`${rig.site.url}/?visit=settings`);
    await waitFor('the page’s three events', () => rig.db.events(), (rows) => rows.length >= 3, rig.diagnose);
    await expectStoredOnce(rig, proxy, 3);
  });

  it('page exit: the batching strategy’s keepalive send on pagehide is stored', async () => {
    const { root, rig, proxy } = await startVendorRig(rigs, 'cairn-segment-exit-');
    // A batch held for a minute: only the page-exit flush can deliver it.
    await writeFile(
      join(root, 'index.html'),
      sitePage(rig.collector.url, { strategy: 'batching', config: { size: 100, timeout: 60_000 } }),
    );
    const { page, sent } = await confinedVisitor(rig, proxy);
    await page.goto(`${rig.site.url}/?visit=exit`);
    await page.waitForFunction(() => (window as any).analytics?.initialized === true);
    expect(eventsSent(sent)).toEqual([]);
    const { rows, posts } = await leavePage(rig, page, 'analytics', 4);
    expect(rows.map((row) => row.event ?? row.type).sort()).toEqual(['Checkout Left', 'Signed Up', 'identify', 'page']);
    expect(posts).toEqual(['/v1/b']);
    expect(proxy.attempts).toEqual([]);
  });

  it('default delivery: events stored while their answers were on the way are resent from the next tracked page, answered as duplicates, stored once', async () => {
    const { root, rig, proxy } = await startVendorRig(rigs, 'cairn-segment-resend-');
    // The collector's answers reach the page 1.5 s late: the visitor leaves in between.
    const relay = await startSlowRelay(rig.collector.url, 1500);
    rigs.after(relay.close);
    await writeFile(join(root, 'index.html'), sitePage(relay.url));
    const { page, recorder } = await confinedVisitor(rig, proxy);
    await page.goto(`${rig.site.url}/?visit=first`);
    await page.waitForFunction(() => (window as any).analytics?.initialized === true);
    await page.evaluate(() => {
      (window as any).analytics.track('Plan Viewed', { plan: 'pro' });
      (window as any).analytics.track('Plan Chosen', { plan: 'pro' });
    });
    const first = await waitFor('the first page’s five events', () => rig.db.events(), (rows) => rows.length >= 5, rig.diagnose);
    const firstIds = new Set(first.map((row) => row.message_id));
    const exchangesBefore = recorder.batches.length;
    // A second tracked page on the same origin: Segment's library saved its in-flight events on
    // pagehide and starts this page by sending them again.
    await page.goto(`${rig.site.url}/?visit=second`);
    await waitFor('the second page’s three events', () => rig.db.events(), (rows) => rows.length >= 8, rig.diagnose);
    const resends = () => recorder.batches.slice(exchangesBefore).filter((b) => firstIds.has((b.body as { messageId?: string } | null)?.messageId ?? ''));
    await expect.poll(() => resends().filter((b) => b.status !== undefined).length, { timeout: 15_000 }).toBe(5);
    await expectStoredOnce(rig, proxy, 8);
    expect(resends().map((b) => JSON.parse(b.response!)), recorder.report()).toEqual(resends().map(() => ({ accepted: 0, duplicates: 1, rejected: [] })));
  });

  it('migration: the official snippet with cairn.js and cairn-segment.js (both async) instead of Segment’s library', async () => {
    const { root, rig, proxy } = await startVendorRig(rigs, 'cairn-segment-migration-');
    // The snippet as Segment's npm package renders it, its analytics.load(…) line left out, and
    // the cairn.js and cairn-segment.js tags (the static server fills in the collector and the write key).
    const stub = segmentSnippet.max({ apiKey: WRITE_KEY, load: false, page: true });
    await writeFile(
      join(root, 'index.html'),
      `<!doctype html><html><head><title>Migrated</title><script>${stub}</script>
<script async src="/cairn.js" data-write-key="KEY" data-endpoint="ENDPOINT"></script>
<script async src="/cairn-segment.js"></script></head>
<body><script>
  analytics.track('Signed Up', { plan: 'pro' });
  analytics.identify('user-9', { email: 'user-9@example.com' });
</script></body></html>`,
    );
    const { page } = await confinedVisitor(rig, proxy);
    await page.goto(`${rig.site.url}/`);
    await page.waitForFunction(() => (window as any).analytics.initialized === true);
    await page.evaluate(() => (window as any).analytics.track('After Load'));
    const rows = await waitFor('four events', () => rig.db.events(), (found) => found.length >= 4, rig.diagnose);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const stored = rig.db.events();
    expect(stored.map((row) => row.event ?? row.type)).toEqual(['page', 'Signed Up', 'identify', 'After Load']);
    expect(rows.length).toBe(4);
    expect(JSON.parse(stored[1]!.raw).properties).toEqual({ plan: 'pro' });
    expect(stored.slice(2).map((row) => row.user_id)).toEqual(['user-9', 'user-9']);
    expect(JSON.parse(stored[0]!.raw).context.page.title).toBe('Migrated');
    expect(proxy.attempts).toEqual([]);
  });
});
