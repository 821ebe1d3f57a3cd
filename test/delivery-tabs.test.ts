// Issue #3 proof 5 in real Chromium against the real collector CLI: two tabs of one site share
// the IndexedDB queue; one sender at a time sends it (Web Locks; where the API is missing, the
// tabs send it uncoordinated and the collector's dedup absorbs the repeats), and every event is
// stored exactly once.
import { describe, expect, it } from 'vitest';
import { labels, loggedTotal, useDeliveryRigs } from './delivery/harness.js';
import type { ProxiedRequest } from './delivery/fault-proxy.js';

type CairnWindow = { cairn: { flush(): Promise<void> } };
const flush = () => (window as unknown as CairnWindow).cairn.flush();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const rigs = useDeliveryRigs();

/** Pairs of requests in flight at the same time that carried a common event. */
function concurrentRepeats(requests: ProxiedRequest[]) {
  const found: string[] = [];
  requests.forEach((a, i) =>
    requests.slice(i + 1).forEach((b) => {
      const overlap = a.at <= (b.done ?? Infinity) && b.at <= (a.done ?? Infinity);
      if (overlap && a.ids.some((id) => b.ids.includes(id))) found.push(`${i}×${requests.indexOf(b)}`);
    }),
  );
  return found;
}

describe.each([
  ['Web Locks', true],
  ['uncoordinated (no Web Locks API)', false],
])('two tabs, one sender: %s', (_name, webLocks) => {
  it('5. stores every event of two tabs tracking at the same time exactly once', async () => {
    const rig = await rigs.start({ webLocks });
    const [a, b] = [await rig.openTab(), await rig.openTab()];
    const hasLocks = await a.page.evaluate(() => 'locks' in navigator);
    expect(hasLocks).toBe(webLocks);
    for (let burst = 0; burst < 5; burst++) {
      await Promise.all([a.track('a', burst * 10, burst * 10 + 10), b.track('b', burst * 10, burst * 10 + 10)]);
      await sleep(150);
    }
    await rig.waitForRows(100);
    await Promise.all([a.page.evaluate(flush), b.page.evaluate(flush)]);
    // Before closing the tabs: their page-exit sends may legitimately repeat events.
    const requests = [...rig.proxy.requests];
    const duplicates = loggedTotal(rig.collector, 'duplicates');

    expect(rig.stored(), rig.diagnose()).toEqual({
      rows: 100,
      distinct: 100,
      labels: [...labels('a', 50), ...labels('b', 50)].sort(),
    });
    // Each tab's events went out in requests of both tabs: the queue really is shared...
    expect(requests.length, rig.diagnose()).toBeGreaterThan(1);
    // ...yet with the lock no event was in two requests at once, nor even sent twice. Without
    // it two tabs may both send an event: the collector stored it once (above) and counted the
    // repeat as a duplicate.
    if (webLocks) {
      expect(concurrentRepeats(requests), rig.diagnose()).toEqual([]);
      expect(duplicates, rig.diagnose()).toBe(0);
    }
  });
});
