// Issue #13: Segment's own browser library (@segment/analytics-next, loaded by Segment's
// official snippet) in real Chromium, pointed at the real collector CLI the way a Segment proxy
// is set up (the Segment.io integration's apiHost), stores its events unchanged.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { waitFor, type EventRow } from './helpers/events-db.js';
import { useSiteRigs } from './helpers/site-rig.js';
import { SEGMENT_CDN_PATH, confinedVisitor, eventsSent, installVendorFiles, startRefusingProxy } from './helpers/vendor-site.js';

const WRITE_KEY = 'segment-dropin-e2e';
const VISITS = 5;
const require = createRequire(import.meta.url);
const snippet = require('@segment/snippet') as { max(options: Record<string, unknown>): string };

const rigs = useSiteRigs(WRITE_KEY);

/**
 * A page with Segment's official snippet (as its npm package renders it) queueing a page view,
 * a track and an identify, then analytics.js from npm (its standalone build, served by the site,
 * which `analytics._cdn` names as the place of its lazy chunks)
 * loaded the way Segment's CDN loader does (`AnalyticsBrowser.load`, which replays the snippet's
 * queue), with what a Segment proxy user passes: local settings instead of Segment's CDN, and
 * the collector as the Segment.io integration's API host.
 */
function sitePage(collectorUrl: string, deliveryStrategy?: object): string {
  const stub = snippet.max({ apiKey: WRITE_KEY, load: false, page: true });
  const apiHost = `${new URL(collectorUrl).host}/v1`;
  const segmentIo = { apiKey: WRITE_KEY, apiHost, protocol: 'http', ...(deliveryStrategy ? { deliveryStrategy } : {}) };
  const settings = { writeKey: WRITE_KEY, cdnSettings: { integrations: { 'Segment.io': segmentIo } } };
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

const raw = (row: EventRow) => JSON.parse(row.raw) as Record<string, any>;

describe('Segment analytics-next against the collector', () => {
  it(`stores page, track and identify once each, ${VISITS} visits of ${VISITS}, with no remote request`, async () => {
    const root = await rigs.tempDir('cairn-segment-');
    const rig = await rigs.start({ root });
    const proxy = await startRefusingProxy();
    rigs.after(proxy.close);
    await installVendorFiles(root);
    await writeFile(join(root, 'index.html'), sitePage(rig.collector.url));
    const reports: string[] = [];
    for (let visit = 0; visit < VISITS; visit++) {
      const { context, page, recorder, sent } = await confinedVisitor(rig, proxy);
      await page.goto(`${rig.site.url}/?visit=${visit}`);
      await waitFor(
        `visit ${visit}'s three events`,
        () => rig.db.events().filter((row) => raw(row).properties?.visit === String(visit) || row.user_id === `user-${visit}` || raw(row).context?.page?.search === `?visit=${visit}`),
        (rows) => rows.length >= 3,
        () => `${rig.diagnose()}\n${JSON.stringify({ sent, refused: proxy.attempts }, null, 1)}`,
        20_000,
      );
      // Every request answered 200: nothing left for the library to retry.
      await expect.poll(() => recorder.batches.filter((b) => b.status === undefined && b.failure === undefined).length).toBe(0);
      expect(recorder.batches.map((b) => b.status ?? b.failure), recorder.report()).toEqual(recorder.batches.map(() => 200));
      const paths = eventsSent(sent).map((e) => e.path).sort();
      expect(paths).toEqual(['/v1/i', '/v1/p', '/v1/t']);
      reports.push(recorder.report());
      await context.close();
    }
    // Settle: a late retry would show up as a second row.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const rows = rig.db.events();
    expect(rows, rig.diagnose()).toHaveLength(3 * VISITS);
    expect(new Set(rows.map((row) => row.message_id)).size).toBe(3 * VISITS);
    for (let visit = 0; visit < VISITS; visit++) {
      const user = `user-${visit}`;
      const identify = rows.filter((row) => row.type === 'identify' && row.user_id === user);
      expect(identify).toHaveLength(1);
      const anonymousId = identify[0]!.anonymous_id;
      const mine = rows.filter((row) => row.anonymous_id === anonymousId);
      expect(mine.map((row) => row.type).sort()).toEqual(['identify', 'page', 'track']);
      const track = mine.find((row) => row.type === 'track')!;
      expect(track.event).toBe('Signed Up');
      expect(raw(track).properties).toEqual({ plan: 'pro', visit: String(visit) });
      const pageView = mine.find((row) => row.type === 'page')!;
      expect(raw(pageView).context.page).toMatchObject({ path: '/', search: `?visit=${visit}`, title: 'Segment drop-in' });
      for (const row of mine) {
        // Kept verbatim: Segment's envelope fields are in raw; the columns come from them.
        const event = raw(row);
        expect(event.context.library.name).toBe('analytics.js');
        expect(event._metadata).toBeTypeOf('object');
        expect(event.integrations).toBeTypeOf('object');
        expect(event.writeKey).toBeUndefined();
        expect(row.original_timestamp).toBe(event.timestamp);
        expect(row.sent_at).toBe(event.sentAt);
        expect(Math.abs(Date.parse(row.timestamp) - Date.parse(row.received_at))).toBeLessThan(60_000);
      }
    }
    expect(proxy.attempts, 'requests that would have left this machine').toEqual([]);
    expect(rig.db.quarantine()).toEqual([]);
  });

  it('page exit: the batching strategy’s keepalive send on pagehide is stored', async () => {
    const root = await rigs.tempDir('cairn-segment-exit-');
    const rig = await rigs.start({ root });
    const proxy = await startRefusingProxy();
    rigs.after(proxy.close);
    await installVendorFiles(root);
    // A batch held for a minute: only the page-exit flush can deliver it.
    await writeFile(
      join(root, 'index.html'),
      sitePage(rig.collector.url, { strategy: 'batching', config: { size: 100, timeout: 60_000 } }),
    );
    const { page, sent } = await confinedVisitor(rig, proxy);
    await page.goto(`${rig.site.url}/?visit=exit`);
    await page.waitForFunction(() => (window as any).analytics?.initialized === true);
    expect(eventsSent(sent)).toEqual([]);
    await page.evaluate(() => {
      (window as any).analytics.track('Checkout Left', { step: 2 });
      setTimeout(() => (location.href = '/plain.html'), 0);
    });
    await page.waitForURL('**/plain.html');
    const rows = await waitFor('the four events of the page-exit batch', () => rig.db.events(), (found) => found.length >= 4, rig.diagnose);
    expect(rows.map((row) => row.event ?? row.type).sort()).toEqual(['Checkout Left', 'Signed Up', 'identify', 'page']);
    const posts = rig.collector.logs.filter((line) => line.msg === 'request' && line.method === 'POST').map((line) => line.path);
    expect(posts).toEqual(['/v1/b']);
    expect(proxy.attempts).toEqual([]);
  });

  it('migration: the official snippet with cairn.js (data-global="analytics") instead of Segment’s library', async () => {
    const root = await rigs.tempDir('cairn-segment-migration-');
    const rig = await rigs.start({ root });
    const proxy = await startRefusingProxy();
    rigs.after(proxy.close);
    // The snippet as Segment's npm package renders it, its analytics.load(…) line left out, and
    // the cairn.js tag (the static server fills in the collector and the write key).
    const stub = snippet.max({ apiKey: WRITE_KEY, load: false, page: true });
    await writeFile(
      join(root, 'index.html'),
      `<!doctype html><html><head><title>Migrated</title><script>${stub}</script>
<script async src="/cairn.js" data-write-key="KEY" data-endpoint="ENDPOINT" data-global="analytics"></script></head>
<body><script>
  analytics.track('Signed Up', { plan: 'pro' });
  analytics.identify('user-9', { email: 'user-9@example.com' });
</script></body></html>`,
    );
    const { page } = await confinedVisitor(rig, proxy);
    await page.goto(`${rig.site.url}/`);
    await page.waitForFunction(() => typeof (window as any).analytics.flush === 'function');
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
