// Issue #3 proof 2 in real Chromium against the real collector CLI: an event tracked right
// before navigating to a page without the SDK is delivered by the page-exit keepalive send.
import { describe, expect, it } from 'vitest';
import { recordPage } from './helpers/page-recorder.js';
import { labels, useDeliveryRigs } from './delivery/harness.js';

type CairnWindow = { cairn: { track(event: string, properties?: object): void; flush?: unknown } };

const rigs = useDeliveryRigs();

describe('page exit', () => {
  it('2. stores an event tracked just before `location.href = otherPage`, 10 times out of 10', async () => {
    const rig = await rigs.start();
    const { site, proxy } = rig;
    const reports: string[] = [];
    for (let i = 0; i < 10; i++) {
      // A fresh profile each time: no later page load finds the event in IndexedDB, so the
      // keepalive send on the way out is its only way to the collector.
      const context = await rigs.browser().newContext();
      try {
        const page = await context.newPage();
        const recorder = recordPage(page);
        reports.push(`visit ${i}:`);
        await page.goto(`${site.url}/exit.html`);
        await page.waitForFunction(() => typeof (window as unknown as CairnWindow).cairn.flush == 'function');
        const before = proxy.requests.length;
        await page.evaluate((n) => {
          (window as unknown as CairnWindow).cairn.track('Delivery Test', { label: `exit-${n}` });
          location.href = '/plain.html';
        }, i);
        await page.waitForURL('**/plain.html');
        // The send left before the navigation committed: it is in flight or already in.
        await rig.waitForRows(i + 1, 10_000).catch((error) => {
          throw new Error(`${error}\n${recorder.report()}`);
        });
        expect(proxy.requests.length - before).toBe(1);
        reports.push(recorder.report());
      } finally {
        await context.close();
      }
    }
    expect(rig.stored(), `${rig.diagnose()}\n${reports.join('\n')}`).toEqual({ rows: 10, distinct: 10, labels: labels('exit', 10) });
  });
});
