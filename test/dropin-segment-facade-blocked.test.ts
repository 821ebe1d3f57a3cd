// A visitor whose browser never gets cairn.js (an extension blocks it, the request fails) must
// not have a page that waits on analytics forever: with Segment's snippet alone, `await
// analytics.track(…)` goes on at once (the stub returns its queue); with the cairn-segment.js
// add-on the stubs return Promises, which must settle too. Real Chromium, real snippet.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSiteRigs } from './helpers/site-rig.js';
import { confinedVisitor, startVendorRig, segmentSnippet } from './helpers/vendor-site.js';

const WRITE_KEY = 'segment-facade-blocked-e2e';

const rigs = useSiteRigs(WRITE_KEY);

/** The add-on before Segment's snippet; cairn.js's request is refused (a blocker's answer). */
const PAGE = `<!doctype html><html><head><title>Blocked</title>
<script src="/cairn-segment.js"></script>
<script>${segmentSnippet.max({ apiKey: WRITE_KEY, load: true, page: true })}</script>
<script async src="/cairn.js" data-write-key="KEY" data-endpoint="ENDPOINT"></script></head>
<body><script>
  window.settled = [];
  analytics.track('Checkout Started').then(function () { settled.push('before load'); });
</script></body></html>`;

describe('cairn-segment.js when cairn.js never loads', () => {
  it('the Promises of calls made before load settle once the page has loaded without it', async () => {
    const { root, rig, proxy } = await startVendorRig(rigs, 'cairn-segment-blocked-');
    await writeFile(join(root, 'index.html'), PAGE);
    const { page, context } = await confinedVisitor(rig, proxy);
    await context.route('**/cairn.js', (route) => route.abort('blockedbyclient'));
    await page.goto(`${rig.site.url}/`, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as any).settled.length === 1, undefined, { timeout: 5000 });
    // A call made after the page loaded, cairn.js still missing: awaited, it goes on too.
    const after = await page.evaluate(() =>
      Promise.race([(window as any).analytics.track('Order Completed').then(() => 'settled'), new Promise((resolve) => setTimeout(() => resolve('hung'), 3000))]),
    );
    expect(after).toBe('settled');
    expect(await page.evaluate(() => (window as any).analytics.initialized)).toBeFalsy();
  });
});
