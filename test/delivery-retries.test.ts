// Issue #3 proofs 1, 3, 4 and 6 in real Chromium against the real collector CLI, faults
// injected by a proxy in front of it; counts read from the collector's SQLite file.
import { describe, expect, it } from 'vitest';
import { waitFor } from './helpers/events-db.js';
import { labels, loggedTotal, useDeliveryRigs } from './delivery/harness.js';

type CairnWindow = { cairn: { flush(): Promise<void> } };
const loaded = () => typeof (window as unknown as CairnWindow).cairn.flush == 'function';
const flush = () => (window as unknown as CairnWindow).cairn.flush();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const rigs = useDeliveryRigs();

describe('delivery through failures', () => {
  it('1. stores 20 events tracked while the collector was unreachable, after a reload, once each', async () => {
    const rig = await rigs.start();
    const { proxy } = rig;
    proxy.rule = () => 'refuse';
    const tab = await rig.openTab();
    await tab.track('outage', 0, 20);
    await waitFor('two refused attempts', () => proxy.requests.length, (n) => n >= 2, rig.diagnose);
    await tab.page.reload();
    await tab.page.waitForFunction(loaded);
    expect(rig.stored().rows, rig.diagnose()).toBe(0);

    proxy.rule = () => 'forward';
    await rig.waitForRows(20);
    await tab.page.evaluate(flush);
    expect(rig.stored(), rig.diagnose()).toEqual({ rows: 20, distinct: 20, labels: labels('outage', 20) });
    // The reloaded page sent the very events (same messageIds) the first one had tried.
    const tried = new Set(proxy.requests.filter((request) => request.action === 'refuse').flatMap((request) => request.ids));
    const delivered = new Set(proxy.requests.filter((request) => request.status === 200).flatMap((request) => request.ids));
    expect([...tried].sort()).toEqual([...delivered].sort());
  });

  it('3. stores all 50 events once when the collector answers 500 to the first attempt of every batch', async () => {
    const rig = await rigs.start();
    const { proxy } = rig;
    proxy.rule = (request) => (request.attempt == 0 ? { status: 500 } : 'forward');
    const tab = await rig.openTab();
    for (let burst = 0; burst < 5; burst++) {
      await tab.track('flaky', burst * 10, burst * 10 + 10);
      await sleep(250);
    }
    await rig.waitForRows(50);
    await tab.page.evaluate(flush);
    expect(rig.stored(), rig.diagnose()).toEqual({ rows: 50, distinct: 50, labels: labels('flaky', 50) });
    // Every batch failed once and went again with the same messageIds.
    const failed = proxy.requests.filter((request) => request.attempt == 0 && request.ids.length);
    expect(failed.length, rig.diagnose()).toBeGreaterThanOrEqual(2);
    for (const request of failed) expect(request.action).toEqual({ status: 500 });
    const forwarded = proxy.requests.filter((request) => request.status === 200);
    expect(forwarded.every((request) => request.attempt == 1)).toBe(true);
    expect(loggedTotal(rig.collector, 'accepted')).toBe(50);
  });

  it('4. stores every event exactly once when the connection is cut after the collector committed', async () => {
    const rig = await rigs.start();
    const { proxy } = rig;
    // Twice: Chromium itself resends a POST once when a reused keep-alive connection drops
    // without an answer; the second cut reaches the page, whose SDK then retries.
    proxy.rule = (request) => (request.attempt < 2 ? 'cut-after-commit' : 'forward');
    const tab = await rig.openTab();
    for (let burst = 0; burst < 3; burst++) {
      await tab.track('cut', burst * 10, burst * 10 + 10);
      await sleep(250);
    }
    await waitFor(
      'every batch acknowledged',
      () => proxy.requests,
      (requests) => requests.some((request) => request.action == 'forward') && tabIdle(requests),
      rig.diagnose,
    );
    await tab.page.evaluate(flush);
    expect(rig.stored(), rig.diagnose()).toEqual({ rows: 30, distinct: 30, labels: labels('cut', 30) });
    // The events of each cut request had been committed; their resend came back as duplicates.
    const cut = proxy.requests.filter((request) => request.action == 'cut-after-commit');
    expect(cut.length, rig.diagnose()).toBeGreaterThanOrEqual(1);
    expect(cut.every((request) => request.status == 200)).toBe(true);
    // The page saw cuts as failed requests: the SDK's own retry resent those events.
    expect(tab.recorder.batches.filter((exchange) => exchange.failure).length, rig.diagnose()).toBeGreaterThanOrEqual(1);
    expect(loggedTotal(rig.collector, 'duplicates'), rig.diagnose()).toBeGreaterThanOrEqual(new Set(cut.flatMap((r) => r.ids)).size);
    expect(loggedTotal(rig.collector, 'accepted')).toBe(30);
  });

  it('6. sends nothing for 2 s after a 429 with Retry-After: 2', async () => {
    const rig = await rigs.start();
    const { proxy } = rig;
    proxy.rule = () => (proxy.requests.length == 0 ? { status: 429, headers: { 'retry-after': '2' } } : 'forward');
    const tab = await rig.openTab();
    await tab.track('limited', 0, 1);
    await waitFor('the 429', () => proxy.requests.length, (n) => n == 1, rig.diagnose);
    await sleep(500);
    await tab.track('limited', 1, 2); // a new event does not cut the wait short
    await rig.waitForRows(2);
    const [limited, ...rest] = proxy.requests;
    expect(limited?.action).toEqual({ status: 429, headers: { 'retry-after': '2' } });
    expect(rest.length).toBeGreaterThan(0);
    // The page's retry delay is 50 ms: only the Retry-After explains the wait.
    for (const request of rest) expect(request.at - limited!.done!, rig.diagnose()).toBeGreaterThanOrEqual(2000);
    expect(rig.stored().labels).toEqual(labels('limited', 2));
  });
});

/** True once the last request was answered and none came after it for a while. */
function tabIdle(requests: { at: number; done?: number; action: unknown }[]) {
  const last = requests[requests.length - 1];
  return !!last && last.action == 'forward' && !!last.done && Date.now() - last.done > 500;
}
