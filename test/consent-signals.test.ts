// Issue #4 proofs 4 and 5 in real Chromium against the real collector CLI: Global Privacy
// Control, an IAB TCF v2 CMP (__tcfapi) and Google Consent Mode v2 (dataLayer) each drive the
// consent categories, read by the script-tag SDK without any vendor code.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../scripts/chromium.mjs';
import { sleep, startConsentRig, type ConsentRig } from './consent/consent-rig.js';

type Cairn = {
  track(event: string, properties?: object): void;
  setConsent(preferences: Record<string, boolean>): void;
  getConsent(): Record<string, boolean>;
  flush(): Promise<void>;
};
declare const cairn: Cairn;
declare const gtag: (...args: unknown[]) => void;
declare const __fakeCmp: { load(options?: { consents?: number[] }): void; decide(consents: number[]): void };

const TCF_CMP = join(dirname(fileURLToPath(import.meta.url)), '../packages/browser/src/consent/fixtures/tcf-cmp.js');

let browser: Browser;
let rig: ConsentRig | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});
afterEach(async () => {
  await rig?.dispose();
  rig = undefined;
});
afterAll(async () => {
  await browser?.close();
});

/** Tracks `count` analytics and `count` marketing events labelled `${label}-n`. */
const trackBoth = (page: ConsentRig['page'], label: string, count: number) =>
  page.evaluate(
    ([label, count]) => {
      for (let n = 0; n < count; n++) {
        cairn.track('Product Viewed', { label: `${label}-${n}` });
        cairn.track('Ad Clicked', { label: `${label}-${n}` });
      }
    },
    [label, count] as const,
  );

const labels = (rig: ConsentRig, event: string) => rig.stored(event).map((e) => String(e.properties?.label)).sort();
const expected = (label: string, count: number) => Array.from({ length: count }, (_, n) => `${label}-${n}`).sort();

describe('consent signals, in Chromium', () => {
  it('4. with Global Privacy Control on, marketing events are not sent (until the visitor grants marketing)', async () => {
    rig = await startConsentRig(browser, '/optional.html', [
      { script: () => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true }) },
    ]);
    await trackBoth(rig.page, 'gpc', 3);
    await rig.page.evaluate(() => cairn.flush());
    await rig.waitForStored(3, 'Product Viewed');
    await sleep(500);
    // Counted on the wire: the 3 analytics events are all that reached the collector.
    expect(rig.received(), rig.diagnose()).toHaveLength(3);
    expect(rig.stored('Ad Clicked')).toEqual([]);
    expect(rig.stored('Product Viewed')[0]?.context?.consent).toEqual({
      categoryPreferences: { necessary: true, analytics: true, marketing: false },
    });

    // An explicit grant beats the GPC default, for events captured after it.
    await rig.page.evaluate(() => cairn.setConsent({ marketing: true }));
    await rig.page.evaluate(() => cairn.track('Ad Clicked', { label: 'granted-0' }));
    await rig.waitForStored(1, 'Ad Clicked');
    expect(labels(rig, 'Ad Clicked')).toEqual(['granted-0']);
  });

  it('5a. an IAB TCF v2 CMP (__tcfapi) drives the categories: purposes 1+8 grant analytics, marketing needs 7', async () => {
    rig = await startConsentRig(browser, '/tcf.html', [{ path: TCF_CMP }]);
    await trackBoth(rig.page, 'before', 2);
    // The CMP loads for a new visitor and shows its banner: still undecided.
    await rig.page.evaluate(() => __fakeCmp.load());
    await sleep(800);
    expect(rig.proxy.requests, rig.diagnose()).toEqual([]);
    // The visitor accepts measurement, not advertising.
    await rig.page.evaluate(() => __fakeCmp.decide([1, 8, 9, 10]));
    await rig.waitForStored(2, 'Product Viewed');
    expect(labels(rig, 'Product Viewed')).toEqual(expected('before', 2));
    expect(rig.stored('Product Viewed')[0]?.context?.consent).toEqual({
      categoryPreferences: { necessary: true, analytics: true, marketing: false },
    });
    expect(await rig.page.evaluate(() => cairn.getConsent())).toEqual({ necessary: true, analytics: true, marketing: false });
    // Later, from the CMP's footer link, they accept advertising measurement too.
    await rig.page.evaluate(() => __fakeCmp.decide([1, 7, 8]));
    await trackBoth(rig.page, 'after', 1);
    await rig.waitForStored(1, 'Ad Clicked');
    await rig.page.evaluate(() => cairn.flush());
    expect(labels(rig, 'Ad Clicked')).toEqual(['after-0']);
    expect(rig.received(), rig.diagnose()).toHaveLength(4);
  });

  it('5b. Google Consent Mode v2 (gtag consent update in the dataLayer) drives the categories', async () => {
    rig = await startConsentRig(browser, '/consent-mode.html');
    await trackBoth(rig.page, 'before', 2);
    await sleep(800);
    // Denied defaults alone decide nothing: the events wait.
    expect(rig.proxy.requests, rig.diagnose()).toEqual([]);
    await rig.page.evaluate(() =>
      gtag('consent', 'update', { analytics_storage: 'granted', ad_storage: 'granted', ad_user_data: 'denied', ad_personalization: 'denied' }),
    );
    await rig.waitForStored(2, 'Product Viewed');
    await rig.page.evaluate(() => cairn.flush());
    expect(labels(rig, 'Product Viewed')).toEqual(expected('before', 2));
    expect(rig.stored('Ad Clicked')).toEqual([]);
    expect(await rig.page.evaluate(() => cairn.getConsent())).toEqual({ necessary: true, analytics: true, marketing: false });

    await rig.page.evaluate(() => gtag('consent', 'update', { ad_user_data: 'granted', ad_personalization: 'granted' }));
    await trackBoth(rig.page, 'after', 1);
    await rig.waitForStored(1, 'Ad Clicked');
    expect(rig.stored('Ad Clicked')[0]?.context?.consent).toEqual({
      categoryPreferences: { necessary: true, analytics: true, marketing: true },
    });
  });
});
