// Issue #11 case 11 in real Chromium against the real collector CLI: the session and its
// campaign start on the landing page, even when that page tracks nothing.
import type { WireEvent } from '@cairn/protocol';
import { describe, expect, it } from 'vitest';
import { useDeliveryRigs } from './delivery/harness.js';

const rigs = useDeliveryRigs();

describe('landing page', () => {
  it('a visitor who lands from an ad on a page that tracks nothing, then clicks on, has the campaign on every event', async () => {
    const rig = await rigs.start();
    // exit.html loads the SDK and tracks nothing.
    const tab = await rig.openTab('/exit.html?utm_source=google&utm_medium=cpc&utm_campaign=spring&gclid=LANDING-1');
    await tab.page.goto(`${rig.site.url}/`);
    await tab.page.waitForFunction(() => typeof (window as unknown as { cairn: { flush?: unknown } }).cairn.flush == 'function');
    await tab.track('after-landing', 0, 2);
    await rig.waitForRows(2);
    const events = rig.db.events().map((row) => JSON.parse(row.raw) as WireEvent);
    for (const event of events) {
      expect(event.context?.page?.search, rig.diagnose()).toBe('');
      expect(event.context?.campaign).toEqual({ source: 'google', medium: 'cpc', name: 'spring', gclid: 'LANDING-1' });
    }
    expect(new Set(events.map((event) => event.context?.sessionId)).size).toBe(1);
  });
});
