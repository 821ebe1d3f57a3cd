// Issue #4 proofs 1–3 in real Chromium against the real collector CLI: with consent required
// and no decision nothing reaches the collector (counted at a proxy in front of it) and nothing
// identifying is stored; a grant releases the held events stamped with it; a denial purges
// the queued events from IndexedDB and the identifiers from localStorage.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../scripts/chromium.mjs';
import { sleep, startConsentRig, until, type ConsentRig } from './consent/consent-rig.js';

type Cairn = {
  track(event: string, properties?: object): void;
  identify(userId: string): void;
  setConsent(preferences: Record<string, boolean>): void;
  getConsent(): Record<string, boolean>;
  flush(): Promise<void>;
};
declare const cairn: Cairn;

const IDENTIFYING = ['cairn:aid', 'cairn:uid', 'cairn:session'];

let browser: Browser;
let rig: ConsentRig;

beforeAll(async () => {
  browser = await launchChromium();
  rig = await startConsentRig(browser, '/required.html');
});
afterAll(async () => {
  await rig?.dispose();
  await browser?.close();
});

const track = (label: string, count: number, event = 'Consent Test') =>
  rig.page.evaluate(
    ([label, count, event]) => {
      for (let n = 0; n < count; n++) cairn.track(event, { label: `${label}-${n}` });
    },
    [label, count, event] as const,
  );

describe('consent required, in Chromium', () => {
  it('1. holds 10 events tracked before any decision: no request reaches the collector, nothing identifying is stored', async () => {
    await rig.page.evaluate(() => cairn.identify('user-held'));
    await track('held', 10);
    // Far longer than the page's 200 ms flush interval: a sender not held back would have sent.
    await sleep(1500);
    await rig.page.evaluate(() => cairn.flush());
    expect(rig.proxy.requests, rig.diagnose()).toEqual([]);
    expect(rig.db.events()).toEqual([]);
    const traces = await rig.traces();
    expect(Object.keys(traces.localStorage).filter((key) => IDENTIFYING.includes(key))).toEqual([]);
    expect(JSON.stringify(traces.localStorage)).not.toContain('user-held');
    expect(traces.cookies).toBe('');
    // Held in memory only: not even the queue has them.
    expect(traces.queued).toBe(0);
  });

  it('2. a grant of analytics sends the 10 held events, each stamped with the granting decision', async () => {
    await rig.page.evaluate(() => cairn.setConsent({ analytics: true }));
    const stored = await rig.waitForStored(10, 'Consent Test');
    expect(stored.map((event) => event.properties?.label).sort()).toEqual(Array.from({ length: 10 }, (_, n) => `held-${n}`).sort());
    for (const event of stored) {
      expect(event.context?.consent).toEqual({ categoryPreferences: { necessary: true, analytics: true, marketing: false } });
      expect(event.userId).toBe('user-held');
    }
    // The identify call held with them went out too, and the identity is now kept.
    expect(rig.stored().filter((event) => event.type === 'identify')).toHaveLength(1);
    const traces = await rig.traces();
    expect(traces.localStorage['cairn:aid']).toBe(stored[0]?.anonymousId);
    expect(traces.localStorage['cairn:uid']).toBe('user-held');
  });

  it('3. a denial purges the events queued but not yet sent from IndexedDB, and the identifiers', async () => {
    // The collector becomes unreachable: the next events wait in the queue.
    rig.proxy.rule = () => 'refuse';
    await track('queued', 5);
    await until('queued events and a refused attempt', () => rig.traces(), (traces) => traces.queued > 0 && rig.proxy.requests.some((r) => r.action === 'refuse'), rig.diagnose);
    await rig.page.evaluate(() => cairn.setConsent({ analytics: false }));
    const traces = await until('an empty queue', () => rig.traces(), (t) => t.queued === 0, rig.diagnose);
    expect(traces.queued).toBe(0);
    expect(Object.keys(traces.localStorage).filter((key) => IDENTIFYING.includes(key))).toEqual([]);
    expect(traces.cookies).toBe('');

    // Back online: nothing of analytics goes out any more, the necessary event does.
    const mark = rig.proxy.requests.length;
    rig.proxy.rule = () => 'forward';
    await track('after-denial', 3);
    await rig.page.evaluate(() => cairn.track('Consent Updated', { analytics: false }));
    await rig.waitForStored(1, 'Consent Updated');
    await rig.page.evaluate(() => cairn.flush());
    await sleep(500);
    const labels = rig.stored('Consent Test').map((event) => String(event.properties?.label));
    expect(labels.filter((label) => !label.startsWith('held-')), rig.diagnose()).toEqual([]);
    // On the wire after the denial: the necessary event alone.
    expect(rig.proxy.requests.slice(mark).flatMap((request) => request.ids)).toEqual([rig.stored('Consent Updated')[0]?.messageId]);
    expect(rig.stored('Consent Updated')[0]?.context?.consent).toEqual({
      categoryPreferences: { necessary: true, analytics: false, marketing: false },
    });
    expect(await rig.page.evaluate(() => cairn.getConsent())).toEqual({ necessary: true, analytics: false, marketing: false });
  });
});
