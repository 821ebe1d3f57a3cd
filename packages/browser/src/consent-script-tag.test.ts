import type { WireEvent } from '@cairn/protocol';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubCollectorFetch } from '../test-support/test-kit.js';
import type { Tracker } from './core/types.js';

const win = window as unknown as {
  cairn?: unknown;
  dataLayer?: unknown[];
  __tcfapi?: unknown;
  __fakeCmp: { load(options?: { consents?: number[] }): void; decide(consents: number[]): void };
};
let sent: WireEvent[];

/** Runs an entry as a fresh copy of its script would. */
async function load(entry: './script-tag.js' | './consent-script-tag.js' | './consent/fixtures/tcf-cmp.js') {
  vi.resetModules();
  await import(entry);
}

// Google's snippet: gtag() pushes its arguments object.
function gtag(..._args: unknown[]) {
  // eslint-disable-next-line prefer-rest-params
  (win.dataLayer ||= []).push(arguments);
}

/** cairn.js's tag, with extra attributes. */
const tags = (attributes: string) => `<script data-write-key="wk_site" data-endpoint="https://collect.test" ${attributes}></script>`;

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
  delete win.cairn;
  delete win.dataLayer;
  delete win.__tcfapi;
  sent = stubCollectorFetch().events;
});
afterEach(() => {
  vi.unstubAllGlobals();
  delete win.cairn;
});

describe('script-tag consent add-on (dist/cairn-consent.js)', () => {
  it('loaded before cairn.js, queues the CMP’s decision as a stub call: TCF', async () => {
    document.head.innerHTML = tags('data-consent="required" data-event-categories=\'{"Ad Clicked":"marketing"}\'');
    await load('./consent/fixtures/tcf-cmp.js');
    win.__fakeCmp.load({ consents: [1, 8] }); // a returning visitor: analytics yes, marketing no
    await load('./consent-script-tag.js');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(win.cairn).toEqual([['setConsent', expect.any(Number), { analytics: true, marketing: false }, 'tcf']]);
    await load('./script-tag.js');
    const tracker = win.cairn as Tracker;
    tracker.track('Product Viewed');
    tracker.track('Ad Clicked');
    await tracker.flush();
    expect(sent.map((event) => event.event)).toEqual(['Product Viewed']);
    expect(tracker.getConsent()).toEqual({ necessary: true, analytics: true, marketing: false });
  });

  it('loaded after cairn.js, drives the tracker directly: Consent Mode updates release held events', async () => {
    document.head.innerHTML = tags('data-consent="required"');
    gtag('consent', 'default', { analytics_storage: 'denied', ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' });
    await load('./script-tag.js');
    const tracker = win.cairn as Tracker;
    tracker.track('Product Viewed');
    await load('./consent-script-tag.js');
    await tracker.flush();
    expect(sent).toEqual([]);
    gtag('consent', 'update', { analytics_storage: 'granted' });
    await tracker.flush();
    expect(sent.map((event) => event.event)).toEqual(['Product Viewed']);
    expect(sent[0]?.context?.consent).toEqual({ categoryPreferences: { necessary: true, analytics: true, marketing: false } });
  });

  it('reads only the signals data-consent-signals names', async () => {
    document.head.innerHTML = '';
    const script = document.createElement('script');
    script.dataset.consentSignals = 'consent-mode';
    document.head.append(script);
    await load('./consent/fixtures/tcf-cmp.js');
    win.__fakeCmp.load({ consents: [1, 8] });
    Object.defineProperty(document, 'currentScript', { value: script, configurable: true });
    try {
      await load('./consent-script-tag.js');
    } finally {
      delete (document as { currentScript?: unknown }).currentScript;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(win.cairn).toBeUndefined();
    gtag('consent', 'update', { analytics_storage: 'denied' });
    expect(win.cairn).toEqual([['setConsent', expect.any(Number), { analytics: false }, 'consent-mode']]);
  });
});
