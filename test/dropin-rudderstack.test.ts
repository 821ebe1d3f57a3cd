// Issue #13: RudderStack's own browser library (@rudderstack/analytics-js v3, its build with the
// plugins bundled in) in real Chromium, with the real collector CLI as its data plane URL,
// stores its events unchanged: XHR posts with an AnonymousId header (CORS preflight), and the
// sendBeacon page-exit path to /beacon/v1/batch?writeKey=….
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from './helpers/events-db.js';
import { useSiteRigs } from './helpers/site-rig.js';
import { confinedVisitor, eventsSent, expectStoredOnce, expectVisit, leavePage, rawOf, startSlowRelay, startVendorRig } from './helpers/vendor-site.js';

const WRITE_KEY = 'rudderstack-dropin-e2e';
const VISITS = 5;

const rigs = useSiteRigs(WRITE_KEY);

/**
 * A page loading RudderStack as an npm user does (`new RudderAnalytics()`, `load(writeKey,
 * dataPlaneUrl, options)`), then a page view, a track and an identify. Its source configuration
 * comes from the collector (`configUrl`, what a migrating site changes) or from the page
 * (`getSourceConfig`); either way nothing is asked of RudderStack's control plane.
 */
function sitePage(collectorUrl: string, config: 'configUrl' | 'getSourceConfig', extraOptions: object = {}): string {
  const sourceConfig = { source: { id: 'cairn', name: 'Cairn', workspaceId: 'cairn', enabled: true, config: {}, destinations: [] } };
  const configOption =
    config === 'configUrl' ? `configUrl: ${JSON.stringify(collectorUrl)}` : `getSourceConfig: () => (${JSON.stringify(sourceConfig)})`;
  return `<!doctype html><html><head><title>RudderStack drop-in</title></head><body><h1>Pricing</h1>
<script type="module">
  import { RudderAnalytics } from '/vendor/rudderstack.mjs';
  const visit = new URLSearchParams(location.search).get('visit');
  const rudderanalytics = new RudderAnalytics();
  rudderanalytics.load(${JSON.stringify(WRITE_KEY)}, ${JSON.stringify(collectorUrl)}, {
    ${configOption},
    ...${JSON.stringify(extraOptions)},
  });
  rudderanalytics.page();
  rudderanalytics.track('Signed Up', { plan: 'pro', visit });
  rudderanalytics.identify('user-' + visit, { email: 'user-' + visit + '@example.com' });
  rudderanalytics.ready(() => { window.rudderReady = true; });
</script></body></html>`;
}

describe('RudderStack analytics-js v3 against the collector', () => {
  it(`configured by the collector (configUrl), stores page, track and identify once each, ${VISITS} visits of ${VISITS}, with no remote request`, async () => {
    const { root, rig, proxy } = await startVendorRig(rigs, 'cairn-rudderstack-');
    await writeFile(join(root, 'index.html'), sitePage(rig.collector.url, 'configUrl'));
    for (let visit = 0; visit < VISITS; visit++) {
      const { context, page, sent } = await confinedVisitor(rig, proxy);
      const answers: { path: string; status: number }[] = [];
      page.on('response', (response) => {
        if (response.url().startsWith(rig.collector.url)) answers.push({ path: new URL(response.url()).pathname, status: response.status() });
      });
      await page.goto(`${rig.site.url}/?visit=${visit}`);
      await waitFor(
        `visit ${visit}'s three events`,
        () => rig.db.events().filter((row) => rawOf(row).context?.page?.search === `?visit=${visit}`),
        (rows) => rows.length >= 3,
        () => `${rig.diagnose()}\n${JSON.stringify({ sent, refused: proxy.attempts }, null, 1)}`,
        20_000,
      );
      // The preflights passed (else nothing would be stored) and every post was answered 200.
      await expect.poll(() => answers.filter((a) => a.status === 200).length).toBe(4);
      expect(answers.map((a) => a.path).sort()).toEqual(['/sourceConfig/', '/v1/identify', '/v1/page', '/v1/track']);
      expect(answers.every((a) => a.status === 200), JSON.stringify(answers)).toBe(true);
      expect(sent.filter((request) => request.method === 'POST').every((request) => request.contentType?.startsWith('application/json'))).toBe(true);
      await context.close();
    }
    const rows = await expectStoredOnce(rig, proxy, 3 * VISITS);
    for (let visit = 0; visit < VISITS; visit++) {
      const mine = rows.filter((row) => rawOf(row).context.page.search === `?visit=${visit}`);
      expectVisit(mine, visit, 'originalTimestamp');
      expect(new Set(mine.map((row) => row.anonymous_id)).size).toBe(1);
      expect(mine.find((row) => row.type === 'identify')!.user_id).toBe(`user-${visit}`);
      for (const event of mine.map(rawOf)) {
        expect(event.channel).toBe('web');
        expect(event.context.library.name).toBe('RudderLabs JavaScript SDK');
        expect(event.integrations).toEqual({ All: true });
        // RudderStack sends no `timestamp`: its originalTimestamp is the client time.
        expect(event.timestamp).toBeUndefined();
      }
    }
  });

  it('default delivery: events stored while their answers were on the way are stored once, whatever the next tracked page resends', async () => {
    const { root, rig, proxy } = await startVendorRig(rigs, 'cairn-rudderstack-resend-');
    // The collector's answers reach the page 1.5 s late: the visitor leaves in between.
    const relay = await startSlowRelay(rig.collector.url, 1500);
    rigs.after(relay.close);
    await writeFile(join(root, 'index.html'), sitePage(relay.url, 'configUrl'));
    const { page, recorder } = await confinedVisitor(rig, proxy);
    await page.goto(`${rig.site.url}/?visit=first`);
    await page.waitForFunction(() => (window as any).rudderReady === true);
    await page.evaluate(() => {
      (window as any).rudderanalytics.track('Plan Viewed', { plan: 'pro' });
      (window as any).rudderanalytics.track('Plan Chosen', { plan: 'pro' });
    });
    const first = await waitFor('the first page’s five events', () => rig.db.events(), (rows) => rows.length >= 5, rig.diagnose);
    const firstIds = new Set(first.map((row) => row.message_id));
    const exchangesBefore = recorder.batches.length;
    // A second tracked page on the same origin, which starts with the queue RudderStack kept.
    await page.goto(`${rig.site.url}/?visit=second`);
    await waitFor('the second page’s three events', () => rig.db.events(), (rows) => rows.length >= 8, rig.diagnose);
    // Long enough for RudderStack to reclaim the queue the first page left (its retry queue's timers).
    await new Promise((resolve) => setTimeout(resolve, 8000));
    await expect.poll(() => recorder.batches.filter((b) => b.status === undefined && b.failure === undefined).length, { timeout: 15_000 }).toBe(0);
    await expectStoredOnce(rig, proxy, 8);
    const resends = recorder.batches.slice(exchangesBefore).filter((b) => firstIds.has((b.body as { messageId?: string } | null)?.messageId ?? ''));
    // Seen in Chromium (2026-12-06, analytics-js 3.34): the first page's five posts are reported
    // aborted, all five were stored, and nothing is resent within the 8 s; a resend, should a
    // version make one, must be answered 200 (a duplicate) and add no row (above).
    expect(resends.map((b) => b.status)).toEqual(resends.map(() => 200));
  });

  it('a page pays one preflight per path: later calls reuse it (Access-Control-Max-Age)', async () => {
    const { root, rig, proxy } = await startVendorRig(rigs, 'cairn-rudderstack-preflight-');
    await writeFile(join(root, 'index.html'), sitePage(rig.collector.url, 'configUrl'));
    const { page } = await confinedVisitor(rig, proxy);
    await page.goto(`${rig.site.url}/?visit=preflight`);
    await waitFor('the first three events', () => rig.db.events(), (rows) => rows.length >= 3, rig.diagnose);
    const preflights = () =>
      rig.collector.logs.filter((line) => line.msg === 'request' && line.method === 'OPTIONS').map((line) => `${line.status} ${line.path}`).sort();
    const first = preflights();
    expect(first).toEqual(['204 /sourceConfig/', '204 /v1/identify', '204 /v1/page', '204 /v1/track']);
    // Past the 5 s Chromium keeps a preflight that names no Max-Age.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    await page.evaluate(() => {
      for (const n of [1, 2, 3]) (window as any).rudderanalytics.track('Clicked', { n });
      (window as any).rudderanalytics.identify('user-preflight');
    });
    await waitFor('four more events', () => rig.db.events(), (rows) => rows.length >= 7, rig.diagnose);
    expect(preflights()).toEqual(first);
  });

  it('page exit: with useBeacon, the sendBeacon to /beacon/v1/batch?writeKey= on pagehide is stored', async () => {
    const { root, rig, proxy } = await startVendorRig(rigs, 'cairn-rudderstack-exit-');
    // The beacon queue held for a minute: only the page-exit flush can deliver it.
    await writeFile(join(root, 'index.html'), sitePage(rig.collector.url, 'getSourceConfig', { useBeacon: true, beaconQueueOptions: { flushQueueInterval: 60_000 } }));
    const { page, sent } = await confinedVisitor(rig, proxy);
    await page.goto(`${rig.site.url}/?visit=exit`);
    await page.waitForFunction(() => (window as any).rudderReady === true);
    expect(eventsSent(sent)).toEqual([]);
    const { rows, posts } = await leavePage(rig, page, 'rudderanalytics', 4);
    expect(rows.map((row) => row.event ?? row.type).sort()).toEqual(['Checkout Left', 'Signed Up', 'identify', 'page']);
    expect(new Set(posts)).toEqual(new Set(['/beacon/v1/batch']));
    expect(proxy.attempts).toEqual([]);
  });

  it('a beacon whose Blob is typed application/json (preflighted, with credentials) is stored', async () => {
    const { root, rig, proxy } = await startVendorRig(rigs, 'cairn-beacon-json-');
    const { page } = await rig.visitor();
    await page.goto(`${rig.site.url}/plain.html`);
    const queued = await page.evaluate(
      ({ url, sentAt }) => {
        const body = JSON.stringify({ batch: [{ type: 'track', event: 'Beacon JSON', messageId: 'beacon-json-1', anonymousId: 'a1', originalTimestamp: sentAt }], sentAt });
        return navigator.sendBeacon(url, new Blob([body], { type: 'application/json' }));
      },
      { url: `${rig.collector.url}/beacon/v1/batch?writeKey=${WRITE_KEY}`, sentAt: new Date().toISOString() },
    );
    expect(queued).toBe(true);
    const rows = await waitFor('the beacon event', () => rig.db.events(), (found) => found.length >= 1, rig.diagnose);
    expect(rows.map((row) => [row.event, row.message_id])).toEqual([['Beacon JSON', 'beacon-json-1']]);
  });
});
