// Issue #11 case 7 in real Chromium against the real collector CLI: after
// setConsent({ analytics: false }) no analytics event reaches the collector, whether it was still
// in the burst buffer, in a batch a running drain had already read, or queued when the page
// reloads right after the choice.
import { describe, expect, it } from 'vitest';
import { sleep, startConsentRig, type ConsentRig } from './consent/consent-rig.js';
import { useBrowserRigs } from './helpers/browser-rigs.js';

type Cairn = { track(event: string, properties?: object): void; setConsent(preferences: Record<string, boolean>): void };
declare const cairn: Cairn;

const rigs = useBrowserRigs<ConsentRig>();
const start = () => rigs.hold(startConsentRig(rigs.browser(), '/optional.html'));

/** Every `Withdrawn` event that reached the collector: stored or quarantined. */
const arrived = (rig: ConsentRig) => [
  ...rig.stored('Withdrawn'),
  ...rig.db.quarantine().filter((row) => row.raw.includes('"Withdrawn"')),
];

/** A marketing event (still allowed) tracked after the withdrawal: once it is stored, the pipeline has run. */
async function control(rig: ConsentRig) {
  await rig.page.evaluate(() => cairn.track('Ad Clicked', { after: 'withdrawal' }));
  for (let i = 0; i < 150 && !rig.stored('Ad Clicked').some((event) => event.properties?.after); i++) await sleep(100);
  expect(rig.stored('Ad Clicked').some((event) => event.properties?.after), rig.diagnose()).toBe(true);
  await sleep(1000);
}

/** Tracks `count` marketing events of ~2 KB each: a queue write that takes IndexedDB a while. */
const busy = (count: number) => {
  for (let n = 0; n < count; n++) cairn.track('Ad Clicked', { n, pad: 'x'.repeat(2000) });
};

describe('withdrawal is final, in Chromium', () => {
  it('events captured a moment before the withdrawal (not yet written) never leave', async () => {
    const rig = await start();
    // A drain is under way, waiting on a large write, when five more events come and the
    // visitor says no: the drain then reads the queue with the five in it.
    await rig.page.evaluate(busy, 500);
    await rig.page.evaluate(() => {
      for (let n = 0; n < 5; n++) cairn.track('Withdrawn', { n });
      cairn.setConsent({ analytics: false });
    });
    await control(rig);
    expect(arrived(rig), rig.diagnose()).toEqual([]);
  });

  it('events in a batch a running drain already read are not sent after the withdrawal', async () => {
    const current = await start();
    // The first request (500 events) is slow: the drain has the next 100 in hand meanwhile.
    current.proxy.rule = (request) => (current.proxy.requests.length == 0 ? { delay: 1500 } : 'forward');
    await current.page.evaluate(() => {
      for (let n = 0; n < 600; n++) cairn.track('Withdrawn', { n });
    });
    for (let i = 0; i < 50 && current.proxy.requests.length == 0; i++) await sleep(100);
    await current.page.evaluate(() => cairn.setConsent({ analytics: false }));
    await control(current);
    // The batch on the wire at the moment of the choice cannot be called back; nothing after it.
    expect(arrived(current).length, current.diagnose()).toBe(500);
  });

  it('events queued when the page reloads right after the choice are purged, never sent', async () => {
    const current = await start();
    current.proxy.rule = () => 'refuse';
    await current.page.evaluate(() => {
      for (let n = 0; n < 5; n++) cairn.track('Withdrawn', { n });
    });
    await sleep(800); // written to IndexedDB, sends failing
    // IndexedDB is busy with a large write when the choice is made and the page reloads at
    // once: the purge started by the choice does not get to run before the page goes.
    await Promise.all([
      current.page.waitForEvent('load'),
      current.page.evaluate((count) => {
        for (let n = 0; n < count; n++) cairn.track('Ad Clicked', { n, pad: 'x'.repeat(2000) });
        cairn.setConsent({ analytics: false });
        location.reload();
      }, 1000),
    ]);
    current.proxy.rule = () => 'forward';
    await current.page.waitForFunction(() => typeof (window as unknown as { cairn: { flush?: unknown } }).cairn.flush == 'function');
    await control(current);
    expect(arrived(current), current.diagnose()).toEqual([]);
  });
});
