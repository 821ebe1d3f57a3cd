// Issue #4 across tabs, in real Chromium against the real collector CLI: a decision made in one
// tab of the site applies at once in the others (no reload): a grant releases the events another
// tab held, a denial stops another tab sending and purges what it had queued.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../scripts/chromium.mjs';
import { sleep, startConsentRig, until, type ConsentRig } from './consent/consent-rig.js';

type Cairn = {
  track(event: string, properties?: object): void;
  setConsent(preferences: Record<string, boolean>): void;
  getConsent(): Record<string, boolean>;
  onConsentChange(listener: (preferences: Record<string, boolean>, source: string) => void): void;
  flush(): Promise<void>;
};
declare const cairn: Cairn;
declare const changes: [Record<string, boolean>, string][];

let browser: Browser;
let rig: ConsentRig;
let other: Page;

beforeAll(async () => {
  browser = await launchChromium();
  rig = await startConsentRig(browser, '/required.html');
  // A second tab of the same site, same browser profile: it shares localStorage and IndexedDB.
  other = await rig.context.newPage();
  await other.goto(rig.page.url());
  await other.waitForFunction(() => typeof (window as unknown as { cairn: { flush?: unknown } }).cairn.flush == 'function');
  await other.evaluate(() => {
    (window as unknown as { changes: unknown[] }).changes = [];
    cairn.onConsentChange((preferences, source) => changes.push([preferences, source]));
  });
});
afterAll(async () => {
  await rig?.dispose();
  await browser?.close();
});

const track = (page: Page, label: string, count: number) =>
  page.evaluate(
    ([label, count]) => {
      for (let n = 0; n < count; n++) cairn.track('Tab Test', { label: `${label}-${n}` });
    },
    [label, count] as const,
  );
const labels = () => rig.stored('Tab Test').map((event) => String(event.properties?.label));

describe('consent across tabs, in Chromium', () => {
  it('a grant in one tab releases the events the other tab held, stamped with the grant', async () => {
    await track(other, 'held-there', 5);
    await track(rig.page, 'held-here', 1);
    await sleep(600);
    expect(rig.received(), rig.diagnose()).toEqual([]);

    await rig.page.evaluate(() => cairn.setConsent({ analytics: true }));
    const stored = await rig.waitForStored(6, 'Tab Test');
    expect(stored.map((event) => event.context?.consent)).toEqual(
      Array(6).fill({ categoryPreferences: { necessary: true, analytics: true, marketing: false } }),
    );
    expect(await other.evaluate(() => cairn.getConsent())).toEqual({ necessary: true, analytics: true, marketing: false });
    expect(await other.evaluate(() => changes)).toEqual([[{ necessary: true, analytics: true, marketing: false }, 'tab']]);
    // One visitor, one id: both tabs had one in memory; the other tab adopts the granting tab's.
    const here = stored.find((event) => event.properties?.label === 'held-here-0')?.anonymousId;
    expect(await rig.page.evaluate(() => localStorage.getItem('cairn:aid'))).toBe(here);
    expect(new Set(stored.map((event) => event.anonymousId))).toEqual(new Set([here]));
  });

  it('a denial in one tab stops the other tab at once and purges what it had queued', async () => {
    // The collector becomes unreachable: the other tab's next events wait in the shared queue.
    rig.proxy.rule = () => 'refuse';
    await track(other, 'queued-there', 4);
    await until('queued events and a refused attempt', () => rig.traces(), (traces) => traces.queued > 0 && rig.proxy.requests.some((r) => r.action === 'refuse'), rig.diagnose);

    await rig.page.evaluate(() => cairn.setConsent({ analytics: false }));
    await until('the other tab to hear of the denial', () => other.evaluate(() => cairn.getConsent().analytics), (analytics) => analytics === false, rig.diagnose);
    await until('an empty queue', () => rig.traces(), (traces) => traces.queued === 0, rig.diagnose);

    rig.proxy.rule = () => 'forward';
    const mark = rig.proxy.requests.length;
    await track(other, 'after-denial', 3);
    await other.evaluate(() => cairn.flush());
    await sleep(500);
    expect(labels().filter((label) => !label.startsWith('held-')), rig.diagnose()).toEqual([]);
    expect(rig.proxy.requests.slice(mark).flatMap((request) => request.ids)).toEqual([]);
    expect((await other.evaluate(() => changes)).at(-1)).toEqual([{ necessary: true, analytics: false, marketing: false }, 'tab']);
    const traces = await rig.traces();
    expect(Object.keys(traces.localStorage).filter((key) => ['cairn:aid', 'cairn:uid', 'cairn:session'].includes(key))).toEqual([]);
  });
});
