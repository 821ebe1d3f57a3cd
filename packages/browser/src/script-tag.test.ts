import type { BatchRequest } from '@cairn/protocol';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubCollectorFetch } from '../test-support/test-kit.js';
import type { Tracker } from './core/types.js';

// The stub from DESIGN.md, verbatim: pages paste it before the async script tag.
const STUB =
  'window.cairn=window.cairn||[];["track","page","identify","setConsent"].forEach(function(m){cairn[m]=cairn[m]||function(){cairn.push([m,Date.now()].concat([].slice.call(arguments)))}})';

const win = window as unknown as { cairn?: unknown };
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
