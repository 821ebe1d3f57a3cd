// Issue #11, durability at the edges, in real Chromium against the real collector CLI (behind
// the fault proxy): no event without an acknowledgement may vanish.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { labels, useDeliveryRigs } from './delivery/harness.js';

type CairnWindow = { cairn: { track(event: string, properties?: object): void; flush(): Promise<void> } };

const rigs = useDeliveryRigs();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Makes the page hidden, as a tab switch does on a phone (headless Chromium never hides a page itself). */
const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate((hidden) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);

describe('durability at the edges', () => {
  it('1. track then navigate at once while the collector is unreachable, 20 times: all 20 stored once when it is back', async () => {
    const rig = await rigs.start();
    rig.proxy.rule = () => 'refuse';
    const tab = await rig.openTab('/exit.html');
    for (let i = 0; i < 20; i++) {
      if (i) {
        await tab.page.goto(`${rig.site.url}/exit.html`);
        await tab.page.waitForFunction(() => typeof (window as unknown as CairnWindow).cairn.flush == 'function');
      }
      await tab.page.evaluate((n) => {
        (window as unknown as CairnWindow).cairn.track('Delivery Test', { label: `gone-${n}` });
        location.href = '/plain.html';
      }, i);
      await tab.page.waitForURL('**/plain.html');
    }
    expect(rig.stored().rows).toBe(0);
    // The collector is back; the visitor comes back to the site.
    rig.proxy.rule = () => 'forward';
    await tab.page.goto(`${rig.site.url}/exit.html`);
    await rig.waitForRows(20, 20_000);
    await sleep(1500);
    expect(rig.stored(), rig.diagnose()).toEqual({ rows: 20, distinct: 20, labels: labels('gone', 20) });
  });

  it('2. a 401 for every request keeps the whole queue; once the key is fixed, all of it is stored', async () => {
    const rig = await rigs.start();
    let refuse = true;
    rig.proxy.rule = () => (refuse ? { status: 401 } : 'forward');
    const tab = await rig.openTab();
    await tab.track('kept', 0, 900);
    await sleep(3000);
    expect(rig.proxy.requests.length).toBeGreaterThan(2);
    expect(rig.stored().rows).toBe(0);
    refuse = false;
    await rig.waitForRows(900, 90_000);
    expect(rig.stored(), rig.diagnose()).toMatchObject({ rows: 900, distinct: 900 });
  });

  it('3. a stalled request times out, releases the lock and is retried', async () => {
    const rig = await rigs.start();
    rig.proxy.rule = (request) => (request.attempt == 0 ? 'stall' : 'forward');
    const tab = await rig.openTab('/slow.html');
    await tab.track('stalled', 0, 5);
    await tab.page.evaluate(() => (window as unknown as CairnWindow).cairn.flush());
    await rig.waitForRows(5, 10_000);
    expect(rig.proxy.requests.map((request) => request.action)).toEqual(['stall', 'forward']);
    // A second tab can take the send lock again: its own events go out.
    const other = await rig.openTab('/slow.html');
    await other.track('other', 0, 3);
    await other.page.evaluate(() => (window as unknown as CairnWindow).cairn.flush());
    await rig.waitForRows(8, 10_000);
    expect(rig.stored(), rig.diagnose()).toMatchObject({ rows: 8, distinct: 8 });
  });

  it('4. a failed exit send is sent again by the next exit; an acknowledged one never is', async () => {
    const rig = await rigs.start();
    const tab = await rig.openTab('/slow.html');
    rig.proxy.rule = () => 'refuse';
    await tab.track('phone', 0, 3);
    await setHidden(tab.page, true); // tab switch: the exit send fails
    await sleep(1500);
    expect(rig.proxy.requests).toHaveLength(1);
    rig.proxy.rule = () => 'forward';
    await setHidden(tab.page, false);
    await setHidden(tab.page, true); // switched away again: the same events go again
    await rig.waitForRows(3, 5_000);
    await setHidden(tab.page, false);
    await setHidden(tab.page, true); // and again: nothing left to send
    await sleep(1000);
    expect(rig.proxy.requests, rig.diagnose()).toHaveLength(2);
    expect(rig.stored()).toEqual({ rows: 3, distinct: 3, labels: labels('phone', 3) });
  });

  it('5. flush() settles within about the request timeout while offline; the events go once back online', async () => {
    const rig = await rigs.start();
    const tab = await rig.openTab('/slow.html'); // data-timeout="1000"
    await rig.context.setOffline(true);
    await tab.track('offline', 0, 5);
    const waited = await tab.page.evaluate(async () => {
      const start = performance.now();
      await (window as unknown as CairnWindow).cairn.flush();
      return performance.now() - start;
    });
    expect(waited).toBeLessThan(5000);
    expect(tab.recorder.report()).toMatch(/flush_incomplete/);
    await rig.context.setOffline(false);
    await tab.page.evaluate(() => (window as unknown as CairnWindow).cairn.flush());
    await rig.waitForRows(5, 10_000);
    expect(rig.stored(), rig.diagnose()).toEqual({ rows: 5, distinct: 5, labels: labels('offline', 5) });
  });

  it('6. a burst of 2,000 track() calls in one task is delivered in full with the default options', async () => {
    const rig = await rigs.start();
    const tab = await rig.openTab('/exit.html'); // default options
    await tab.track('burst', 0, 2000);
    await rig.waitForRows(2000, 30_000);
    expect(rig.stored(), rig.diagnose()).toMatchObject({ rows: 2000, distinct: 2000 });
  });

  // The queue's records and the page-exit stash hold the events themselves: what one build of
  // cairn.js wrote, the next must read, whatever its minifier named things internally.
  it('events an earlier build queued (a record in IndexedDB, a stash in localStorage, as {id, json}) are delivered', async () => {
    const rig = await rigs.start();
    const tab = await rig.openTab();
    await tab.page.evaluate(async () => {
      // ULIDs of now (the queue drops events older than queueTtl by their id's time).
      let time = '';
      for (let ms = Date.now(), n = 0; n < 10; n++, ms = Math.floor(ms / 32)) time = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[ms % 32] + time;
      const id = (n: number) => time + String(n).padStart(16, '0');
      const event = (label: string, id: string) => ({
        id,
        json: JSON.stringify({ type: 'track', event: 'Delivery Test', messageId: id, anonymousId: 'earlier-build', timestamp: new Date().toISOString(), properties: { label } }),
      });
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('cairn');
        open.onupgradeneeded = () => open.result.createObjectStore('events');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const put = db.transaction('events', 'readwrite').objectStore('events').put([event('earlier-0', id(0)), event('earlier-1', id(1))], id(0));
      await new Promise((resolve) => (put.onsuccess = resolve));
      db.close();
      localStorage.setItem('cairn:stash:' + id(2), JSON.stringify([event('earlier-2', id(2))]));
    });
    await tab.page.goto(`${rig.site.url}/exit.html`);
    await rig.waitForRows(3, 20_000);
    expect(rig.stored(), rig.diagnose()).toEqual({ rows: 3, distinct: 3, labels: labels('earlier', 3) });
  });
});
