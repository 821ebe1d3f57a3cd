// Issue #13: a site instrumented through Segment's official snippet keeps its analytics.* code
// when only the script tags change (cairn.js + the cairn-segment.js add-on), in real Chromium
// against the real collector CLI: Segment's Promises and callbacks, user(), trackLink, a saved
// stub reference, analytics.load left in (no request leaves the machine), identify kept
// across a reload, and every event stored once.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from './helpers/events-db.js';
import { useSiteRigs } from './helpers/site-rig.js';
import { confinedVisitor, expectStoredOnce, rawOf, startVendorRig, segmentSnippet } from './helpers/vendor-site.js';

const WRITE_KEY = 'segment-facade-e2e';

const rigs = useSiteRigs(WRITE_KEY);

/**
 * The snippet exactly as Segment's npm package renders it, analytics.load("KEY") included, after
 * a plain cairn-segment.js tag (which disarms that load); cairn.js async. Before load, the page
 * awaits a track, asks for the anonymousId in ready(), binds trackLink on a link and saves a
 * stub reference.
 */
const PAGE = `<!doctype html><html><head><title>Facade</title>
<script src="/cairn-segment.js"></script>
<script>${segmentSnippet.max({ apiKey: WRITE_KEY, load: true, page: true })}</script>
<script async src="/cairn.js" data-write-key="KEY" data-endpoint="ENDPOINT"></script></head>
<body><a id="pricing" href="/plain.html">Pricing</a><script>
  analytics.track('Before Load', { step: 1 }).then(function (ctx) { window.beforeThen = ctx.event.event; });
  analytics.ready(function () { window.readyAnonymousId = analytics.user().anonymousId(); });
  analytics.trackLink(document.getElementById('pricing'), 'Link Clicked', { to: 'pricing' });
  window.savedTrack = analytics.track;
</script></body></html>`;

describe('Segment’s snippet on cairn.js with the cairn-segment.js add-on', () => {
  it('Promises, callbacks, user(), trackLink, a saved stub, load() left in, identify across a reload: stored once each, nothing sent elsewhere', async () => {
    const { root, rig, proxy } = await startVendorRig(rigs, 'cairn-segment-facade-');
    await writeFile(join(root, 'index.html'), PAGE);
    const { page, recorder } = await confinedVisitor(rig, proxy);
    const loaded = () => page.waitForFunction(() => (window as any).analytics.initialized === true);

    // Visit 1: the calls made before load settle once cairn.js is there.
    await page.goto(`${rig.site.url}/`);
    await loaded();
    await page.waitForFunction(() => (window as any).beforeThen === 'Before Load');
    const anonymousId = await page.evaluate(() => (window as any).analytics.user().anonymousId());
    expect(await page.evaluate(() => (window as any).readyAnonymousId)).toBe(anonymousId);
    const awaited = await page.evaluate(async () => {
      const analytics = (window as any).analytics;
      (window as any).savedTrack('Saved Reference', { saved: true });
      analytics.load('KEY');
      const context = await analytics.track('Awaited', { n: 1 });
      await analytics.identify('user-7', { plan: 'pro' });
      return { event: context.event.event, id: analytics.user().id(), traits: analytics.user().traits() };
    });
    expect(awaited).toEqual({ event: 'Awaited', id: 'user-7', traits: { plan: 'pro' } });

    // Visit 2 (reload): still user-7, same anonymousId; a callback that navigates does.
    await page.reload();
    await loaded();
    expect(await page.evaluate(() => [(window as any).analytics.user().id(), (window as any).analytics.user().anonymousId()])).toEqual([
      'user-7',
      anonymousId,
    ]);
    await page.evaluate(() => {
      (window as any).analytics.track('Callback Nav', { via: 'callback' }, {}, () => {
        location.href = '/plain.html';
      });
    });
    await page.waitForURL('**/plain.html');

    // Visit 3: a click on the trackLink'd link is tracked, then followed.
    await page.goto(`${rig.site.url}/`);
    await loaded();
    await page.click('#pricing');
    await page.waitForURL('**/plain.html');

    const expected = { page: 3, 'Before Load': 3, 'Saved Reference': 1, Awaited: 1, identify: 1, 'Callback Nav': 1, 'Link Clicked': 1 };
    const total = Object.values(expected).reduce((a, b) => a + b);
    await waitFor(`${total} events`, () => rig.db.events(), (rows) => rows.length >= total, () => `${rig.diagnose()}\n${recorder.report()}`);
    const rows = await expectStoredOnce(rig, proxy, total);
    const counts: Record<string, number> = {};
    for (const row of rows) counts[row.event ?? row.type] = (counts[row.event ?? row.type] ?? 0) + 1;
    expect(counts).toEqual(expected);
    expect(new Set(rows.map((row) => row.anonymous_id))).toEqual(new Set([anonymousId]));
    const named = (event: string) => rows.find((row) => row.event === event)!;
    expect(rawOf(named('Link Clicked')).properties).toEqual({ to: 'pricing' });
    expect(rawOf(named('Saved Reference')).properties).toEqual({ saved: true });
    expect(named('Callback Nav').user_id).toBe('user-7');
    expect(named('Link Clicked').user_id).toBe('user-7');
    // load() said once per page that it does nothing; no Segment library was ever fetched.
    expect(recorder.console.filter((line) => line.includes('analytics.load() does nothing')).length).toBeGreaterThanOrEqual(1);
    expect(proxy.attempts).toEqual([]);
  });
});
