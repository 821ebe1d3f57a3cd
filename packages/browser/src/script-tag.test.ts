import type { BatchRequest } from '@cairn/protocol';
import { IDBFactory } from 'fake-indexeddb';
import { max as segmentSnippet } from '@segment/snippet';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubCollectorFetch } from '../test-support/test-kit.js';
import type { Tracker } from './core/types.js';

// The stub from DESIGN.md, verbatim: pages paste it before the async script tag.
const STUB =
  'window.cairn=window.cairn||[];["track","page","identify","setConsent"].forEach(function(m){cairn[m]=cairn[m]||function(){cairn.push([m,Date.now()].concat([].slice.call(arguments)))}})';

const win = window as unknown as { cairn?: unknown; analytics?: any };
let requests: { url: string; body: BatchRequest }[];

function addScriptTag(attributes: Record<string, string>) {
  const script = document.createElement('script');
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
  document.head.append(script);
}

/** Loads dist/cairn.js's entry as a fresh copy of the script would run. */
async function loadScript() {
  vi.resetModules();
  await import('./script-tag.js');
}

const sent = () => requests.flatMap((request) => request.body.batch);

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
  document.head.innerHTML = '';
  delete win.cairn;
  delete win.analytics;
  requests = stubCollectorFetch().requests;
  // The stub runs as page script, where `cairn` is a global: give it one.
  new Function(STUB)();
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const setGpc = (value?: boolean) => Object.defineProperty(navigator, 'globalPrivacyControl', { value, configurable: true });

describe('script tag', () => {
  it('reads GPC unless data-consent-signals leaves it out', async () => {
    setGpc(true);
    try {
      for (const [signals, marketing] of [[undefined, false], ['gpc', false], ['none', true], ['tcf consent-mode', true]] as const) {
        document.head.innerHTML = '';
        delete win.cairn;
        addScriptTag({ 'data-write-key': 'wk_site', 'data-endpoint': 'https://collect.test', ...(signals ? { 'data-consent-signals': signals } : {}) });
        await loadScript();
        const tracker = win.cairn as Tracker;
        expect(typeof tracker.track, String(signals)).toBe('function');
        expect(tracker.getConsent().marketing, String(signals)).toBe(marketing);
      }
    } finally {
      delete (navigator as { globalPrivacyControl?: unknown }).globalPrivacyControl;
    }
  });

  it('reads its data attributes and replays stubbed calls in order with their call times', async () => {
    vi.useFakeTimers({ now: Date.UTC(2025, 2, 1, 9, 0, 0), toFake: ['Date'] });
    const stub = win.cairn as Record<string, (...args: unknown[]) => void>;
    stub.identify!('user-1', { plan: 'pro' });
    vi.advanceTimersByTime(250);
    stub.track!('Product Added', { sku: 'RC-1' });
    vi.advanceTimersByTime(250);
    stub.page!('Pricing');
    vi.advanceTimersByTime(1000);
    addScriptTag({ 'data-write-key': 'wk_site', 'data-endpoint': 'https://collect.test', 'data-auto-page': '' });

    await loadScript();
    const tracker = win.cairn as Tracker;
    expect(Array.isArray(tracker)).toBe(false);
    await tracker.flush();

    expect(requests[0]?.url).toBe('https://collect.test/v1/batch');
    expect(requests[0]?.body.writeKey).toBe('wk_site');
    expect(sent().map((event) => [event.type, event.event ?? event.name ?? null, event.timestamp])).toEqual([
      ['identify', null, '2025-03-01T09:00:00.000Z'],
      ['track', 'Product Added', '2025-03-01T09:00:00.250Z'],
      ['page', 'Pricing', '2025-03-01T09:00:00.500Z'],
      ['page', null, '2025-03-01T09:00:01.500Z'], // data-auto-page, at load
    ]);
    expect(sent()[1]).toMatchObject({ userId: 'user-1', properties: { sku: 'RC-1' } });
  });

  it('exposes the tracker as window.cairn; stub functions grabbed before load still work', async () => {
    const early = (win.cairn as Record<string, (...args: unknown[]) => void>).track!;
    addScriptTag({ 'data-write-key': 'wk_site', 'data-endpoint': 'https://collect.test' });
    await loadScript();
    const tracker = win.cairn as Tracker;
    expect(tracker.track).toBeTypeOf('function');
    early('Late Click');
    tracker.track('Direct');
    await tracker.flush();
    expect(sent().map((event) => event.event)).toEqual(['Late Click', 'Direct']); // no auto page view
  });

  it('a second copy of the script leaves the first one alone', async () => {
    addScriptTag({ 'data-write-key': 'wk_site', 'data-endpoint': 'https://collect.test', 'data-auto-page': '' });
    await loadScript();
    const first = win.cairn as Tracker;
    await loadScript();
    expect(win.cairn).toBe(first);
    await first.flush();
    expect(sent().filter((event) => event.type == 'page')).toHaveLength(1);
  });

  it('works without the stub', async () => {
    delete win.cairn;
    addScriptTag({ 'data-write-key': 'wk_site', 'data-endpoint': 'https://collect.test', 'data-auto-page': 'true' });
    await loadScript();
    await (win.cairn as Tracker).flush();
    expect(sent().map((event) => event.type)).toEqual(['page']);
  });

  it('without a write key it throws invalid_option and leaves the stub in place', async () => {
    addScriptTag({ 'data-endpoint': 'https://collect.test' });
    await expect(loadScript()).rejects.toMatchObject({ code: 'invalid_option' });
    expect(Array.isArray(win.cairn)).toBe(true);
  });
});

describe('script tag: data-global="analytics" takes over Segment’s snippet', () => {
  // Segment's official snippet as its npm package renders it, without the line that loads
  // Segment's library: the site swaps that for the cairn.js tag.
  const runSnippet = () => new Function(segmentSnippet({ apiKey: 'SEGMENT_KEY', load: false, page: true }))();
  const loadWithGlobal = async () => {
    addScriptTag({ 'data-write-key': 'wk_site', 'data-endpoint': 'https://collect.test', 'data-global': 'analytics' });
    await loadScript();
  };

  it('replays the calls the snippet queued, in order, without its page-context object', async () => {
    document.title = 'Pricing';
    runSnippet();
    const queue = win.analytics;
    win.analytics.track('Signed Up', { plan: 'pro' });
    win.analytics.identify('user-1', { email: 'a@example.com' });
    win.analytics.track('Plain');
    // Recent snippets append {__t: 'bpc', …} to each call.
    expect(queue.map((entry: unknown[]) => (entry.at(-1) as { __t?: string }).__t)).toEqual(['bpc', 'bpc', 'bpc', 'bpc']);
    await loadWithGlobal();

    expect(win.analytics).toBe(queue); // a reference taken before load keeps working
    expect(queue).toHaveLength(0);
    await (win.cairn as Tracker).flush();
    expect(sent().map((event) => [event.type, event.event ?? event.name ?? null])).toEqual([
      ['page', null],
      ['track', 'Signed Up'],
      ['identify', null],
      ['track', 'Plain'],
    ]);
    expect(sent()[0]?.properties).toBeUndefined();
    expect(sent()[0]?.context?.page?.title).toBe('Pricing');
    expect(sent()[1]?.properties).toEqual({ plan: 'pro' });
    expect(sent()[2]).toMatchObject({ userId: 'user-1', traits: { email: 'a@example.com' } });
    expect(sent()[3]?.properties).toBeUndefined();
    expect(sent()[3]?.userId).toBe('user-1');
  });

  it('after load, analytics.* is the tracker; ready(fn) runs fn; a method Cairn lacks does not throw', async () => {
    runSnippet();
    const early = win.analytics;
    await loadWithGlobal();
    early.track('After Load', { n: 1 });
    win.analytics.page('Docs');
    const ready = vi.fn();
    win.analytics.ready(ready);
    expect(ready).toHaveBeenCalledTimes(1);
    expect(() => win.analytics.trackLink(document.body, 'Clicked')).not.toThrow();
    expect(() => win.analytics.on('track', vi.fn())).not.toThrow();
    await win.analytics.flush();
    expect(sent().map((event) => event.event ?? event.name)).toEqual([undefined, 'After Load', 'Docs']);
  });

  it('a Segment snippet that runs after cairn.js leaves the global alone', async () => {
    await loadWithGlobal();
    const tracker = win.analytics;
    // The snippet returns early when it finds `initialize` (as with Segment's own library):
    // its stubs would otherwise replace the tracker's methods.
    runSnippet();
    expect(win.analytics).toBe(tracker);
    expect(win.analytics.track).toBe((win.cairn as Tracker).track);
    win.analytics.track('Still Cairn');
    await win.analytics.flush();
    expect(sent().map((event) => event.event)).toEqual(['Still Cairn']);
  });

  it('without data-global, window.analytics is not touched', async () => {
    runSnippet();
    const queue = win.analytics;
    addScriptTag({ 'data-write-key': 'wk_site', 'data-endpoint': 'https://collect.test' });
    await loadScript();
    expect(win.analytics).toBe(queue);
    expect(Array.isArray(queue) && queue.length).toBe(1);
    expect(queue.track).not.toBe((win.cairn as Tracker).track);
  });
});

