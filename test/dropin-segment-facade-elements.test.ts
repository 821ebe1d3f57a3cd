// Segment's trackForm and trackLink through the cairn-segment.js add-on, in real Chromium
// against the real collector CLI, on the forms and clicks real sites have: a submit control
// named "submit" (it hides form.submit), a form with two submit buttons (the server must still
// learn which one was pressed), and a ctrl-click on a tracked link (a new tab, this page stays).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from './helpers/events-db.js';
import { useSiteRigs } from './helpers/site-rig.js';
import { confinedVisitor, rawOf, startVendorRig, segmentSnippet } from './helpers/vendor-site.js';

const WRITE_KEY = 'segment-facade-elements-e2e';

const rigs = useSiteRigs(WRITE_KEY);

/** The add-on before Segment's minified snippet (load line kept), cairn.js async; forms and a link bound before load. */
const PAGE = `<!doctype html><html><head><title>Elements</title>
<script src="/cairn-segment.js"></script>
<script>${segmentSnippet.min({ apiKey: WRITE_KEY, load: true, page: false })}</script>
<script async src="/cairn.js" data-write-key="KEY" data-endpoint="ENDPOINT"></script></head>
<body>
<form id="newsletter" action="/plain.html"><input name="email" value="a@example.com"><input type="submit" name="submit" value="Subscribe"></form>
<form id="plan" action="/plain.html"><button name="plan" value="pro">Pro</button><button id="team" name="plan" value="team">Team</button></form>
<a id="docs" href="/plain.html">Docs</a>
<script>
  analytics.trackForm(document.getElementById('newsletter'), 'Newsletter Subscribed');
  analytics.trackSubmit(document.getElementById('plan'), 'Plan Chosen', function (form) { return { form: form.id }; });
  analytics.trackLink(document.getElementById('docs'), 'Docs Clicked');
</script></body></html>`;

describe('Segment’s trackForm and trackLink on cairn.js (cairn-segment.js)', () => {
  it('submits a form whose control is named "submit", keeps the pressed button’s value, and leaves a ctrl-click to the browser', async () => {
    const { root, rig, proxy } = await startVendorRig(rigs, 'cairn-segment-elements-');
    await writeFile(join(root, 'index.html'), PAGE);
    const { page, context, recorder } = await confinedVisitor(rig, proxy);
    const loaded = () => page.waitForFunction(() => (window as any).analytics.initialized === true);

    // <input name="submit"> hides form.submit: the form must still be sent, with that control's value.
    await page.goto(`${rig.site.url}/`);
    await loaded();
    await page.click('#newsletter [type=submit]');
    await page.waitForURL('**/plain.html?*');
    expect(new URL(page.url()).search).toBe('?email=a%40example.com&submit=Subscribe');

    // Two buttons of the same name: which one was pressed reaches the server.
    await page.goto(`${rig.site.url}/`);
    await loaded();
    await page.click('#team');
    await page.waitForURL('**/plain.html?*');
    expect(new URL(page.url()).search).toBe('?plan=team');

    // A ctrl-click opens the link in a new tab and this page stays; the click is tracked.
    await page.goto(`${rig.site.url}/`);
    await loaded();
    const opened = context.waitForEvent('page');
    await page.click('#docs', { modifiers: ['Control'] });
    await opened;
    await page.waitForTimeout(500);
    expect(new URL(page.url()).pathname).toBe('/');

    await waitFor('3 events', () => rig.db.events(), (rows) => rows.length >= 3, () => `${rig.diagnose()}\n${recorder.report()}`);
    await page.waitForTimeout(1500); // a late resend would add a row
    const rows = rig.db.events();
    expect(rows, rig.diagnose()).toHaveLength(3);
    expect(rig.db.quarantine()).toEqual([]);
    // Chromium itself asks Google's autofill service about a submitted form (the browser, not
    // the page; refused by the proxy): that one host is let through the guard.
    const foreign = proxy.attempts.filter((attempt) => !attempt.startsWith('CONNECT content-autofill.googleapis.com:'));
    expect(foreign, 'requests that would have left this machine').toEqual([]);
    expect(rows.map((row) => row.event).sort()).toEqual(['Docs Clicked', 'Newsletter Subscribed', 'Plan Chosen']);
    expect(rawOf(rows.find((row) => row.event === 'Plan Chosen')!).properties).toEqual({ form: 'plan' });
    expect(recorder.console.filter((line) => line.startsWith('pageerror'))).toEqual([]);
  });
});
