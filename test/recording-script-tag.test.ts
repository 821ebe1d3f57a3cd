// The script-tag build (dist/cairn.js) in real Chromium against the real collector: the landing
// campaign kept for the session (the marketing-site example), and the data-* attributes with
// single-page-app navigation (the dist/cairn-spa.js add-on), a second copy of the script and
// helpers called through the stub.
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WireEvent } from '@cairn/protocol';
import { describe, expect, it } from 'vitest';
import { waitFor, type EventRow } from './helpers/events-db.js';
import { REPO_ROOT, SITE_ROOT } from './helpers/repo-paths.js';
import { useSiteRigs } from './helpers/site-rig.js';

const WRITE_KEY = 'script-tag-e2e';

const rigs = useSiteRigs(WRITE_KEY);

const raw = (row: EventRow) => JSON.parse(row.raw) as WireEvent;
const pageViewOf = (path: string) => (row: EventRow) => row.type === 'page' && raw(row).context?.page?.path === path;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('script tag: campaign and session', () => {
  it('a landing URL with utm_* and gclid puts them on that session’s later events, in every tab', async () => {
    const { db, site, visitor, diagnose } = await rigs.start({ root: SITE_ROOT });
    const first = await visitor();
    const other = await visitor();

    await first.page.goto(`${site.url}/?utm_source=newsletter&utm_medium=email&utm_campaign=spring-sale&gclid=TEST-GCLID-1`);
    await first.page.getByRole('navigation').getByRole('link', { name: 'Subscriptions' }).click();
    await first.page.waitForURL(/pricing\.html$/);
    await first.page.getByRole('button', { name: 'Add to cart' }).first().click();
    // A second tab of the same visitor, opened later on a page without parameters.
    const secondTab = await first.context.newPage();
    await secondTab.goto(`${site.url}/pricing.html`);
    // Another visitor, who came without an ad.
    await other.page.goto(`${site.url}/pricing.html`);

    const rows = await waitFor(
      'the landing view, two Pricing views from the visitor, the click and the other visitor’s view',
      () => db.events(),
      (found) => found.filter((row) => row.type === 'page').length >= 4 && found.some((row) => row.event === 'Product Added'),
      diagnose,
    );
    const visitorRows = rows.filter((row) => row.anonymous_id === rows.find(pageViewOf('/'))?.anonymous_id);
    expect(visitorRows.map((row) => row.name ?? row.event), diagnose()).toEqual([null, 'Pricing', 'Product Added', 'Pricing']);
    const landing = raw(visitorRows[0]!).context!;
    expect(landing.campaign).toEqual({ source: 'newsletter', medium: 'email', name: 'spring-sale', gclid: 'TEST-GCLID-1' });
    for (const row of visitorRows.slice(1)) {
      const context = raw(row).context!;
      expect(context.page?.search).toBe('');
      expect(context.campaign).toEqual(landing.campaign);
      expect(context.sessionId).toBe(landing.sessionId);
    }

    const otherRows = rows.filter((row) => row.anonymous_id !== visitorRows[0]!.anonymous_id);
    expect(otherRows, diagnose()).toHaveLength(1);
    expect(raw(otherRows[0]!).context?.campaign).toBeUndefined();
    expect(raw(otherRows[0]!).context?.sessionId).not.toBe(landing.sessionId);
    expect(db.quarantine(), diagnose()).toEqual([]);
  });
});

describe('script tag: data attributes', () => {
  it('data-auto-page with the cairn-spa.js add-on follows pushState, data-session-timeout applies, helpers go through the stub, a second copy is harmless', async () => {
    const fixtureDir = await rigs.tempDir('cairn-spa-');
    await copyFile(`${REPO_ROOT}packages/browser/dist/cairn-spa.js`, join(fixtureDir, 'cairn-spa.js'));
    // The stub naming more methods, two copies of the script (a tag manager adding its own).
    const script = '<script async src="/cairn.js" data-write-key="KEY" data-endpoint="ENDPOINT" data-auto-page data-session-timeout="1500"></script>';
    await writeFile(
      join(fixtureDir, 'index.html'),
      `<!doctype html><html><head><title>SPA</title>
<script>window.cairn=window.cairn||[];["track","page","identify","setConsent","signedIn","signedOut"].forEach(function(m){cairn[m]=cairn[m]||function(){cairn.push([m,Date.now()].concat([].slice.call(arguments)))}});
cairn.signedIn("user-spa",{method:"magic-link"});</script>
<script src="/cairn-spa.js"></script>
${script}
${script}
</head><body><a href="#" id="next" onclick="event.preventDefault();history.pushState({},'','/step-'+(++step))">Next</a>
<script>var step=1;</script></body></html>`,
    );
    const { db, site, visitor, diagnose } = await rigs.start({ root: fixtureDir });
    const { page } = await visitor();

    await page.goto(`${site.url}/`);
    await page.waitForFunction(() => typeof (window as { cairn?: { flush?: unknown } }).cairn?.flush === 'function');
    expect(await page.evaluate(() => ['signedIn', 'signedOut', 'identify', 'reset'].map((name) => typeof (window as never)['cairn'][name]))).toEqual([
      'function',
      'function',
      'function',
      'function',
    ]);
    await page.click('#next');
    const [stepTwo] = await waitFor('the step-2 view', () => db.events().filter(pageViewOf('/step-2')), (rows) => rows.length > 0, diagnose);
    await sleep(2000); // past data-session-timeout
    await page.click('#next');
    const [stepThree] = await waitFor('the step-3 view', () => db.events().filter(pageViewOf('/step-3')), (rows) => rows.length > 0, diagnose);

    const rows = db.events();
    // One view per path although two copies of the script ran; the stubbed signedIn replayed.
    expect(rows.map((row) => [row.type, row.event ?? raw(row).context?.page?.path, row.user_id]), diagnose()).toEqual([
      ['identify', '/', 'user-spa'],
      ['track', 'Signed In', 'user-spa'],
      ['page', '/', 'user-spa'],
      ['page', '/step-2', 'user-spa'],
      ['page', '/step-3', 'user-spa'],
    ]);
    expect(raw(rows[1]!).properties).toEqual({ method: 'magic-link' });
    const sessions = rows.map((row) => raw(row).context?.sessionId);
    expect(new Set(sessions.slice(0, 4)).size).toBe(1);
    expect(raw(stepThree!).context?.sessionId).not.toBe(raw(stepTwo!).context?.sessionId);
  });
});
