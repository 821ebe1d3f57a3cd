import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApplyConsent } from './consent.js';
import { consentModeSignal } from './consent-mode.js';

const win = window as unknown as { dataLayer?: unknown[] };

// Google's gtag snippet, as pages paste it: each call pushes its `arguments` object.
function gtag(..._args: unknown[]) {
  // eslint-disable-next-line prefer-rest-params
  (win.dataLayer = win.dataLayer || []).push(arguments);
}

afterEach(() => {
  delete win.dataLayer;
});

describe('consentModeSignal', () => {
  it('reads commands already in the dataLayer: defaults alone decide nothing, an update does', () => {
    gtag('consent', 'default', {
      ad_storage: 'denied',
      ad_user_data: 'denied',
      ad_personalization: 'denied',
      analytics_storage: 'denied',
      wait_for_update: 500,
    });
    gtag('js', new Date());
    gtag('config', 'G-XXXXXXX');
    const apply = vi.fn<ApplyConsent>();
    consentModeSignal(apply);
    expect(apply).not.toHaveBeenCalled();
    gtag('consent', 'update', { analytics_storage: 'granted' });
    // Only the category whose states the update names changes.
    expect(apply).toHaveBeenLastCalledWith({ analytics: true }, 'consent-mode');
  });

  it('needs every ad state granted for marketing, the defaults filling states an update leaves out', () => {
    gtag('consent', 'default', { ad_storage: 'denied', ad_user_data: 'granted', ad_personalization: 'granted', analytics_storage: 'denied' });
    const apply = vi.fn<ApplyConsent>();
    consentModeSignal(apply);
    gtag('consent', 'update', { ad_storage: 'granted' });
    expect(apply).toHaveBeenLastCalledWith({ marketing: true }, 'consent-mode');
    gtag('consent', 'update', { ad_personalization: 'denied', analytics_storage: 'granted' });
    expect(apply).toHaveBeenLastCalledWith({ analytics: true, marketing: false }, 'consent-mode');
  });

  it('applies updates pushed before it started, in order, and keeps the dataLayer working', () => {
    gtag('consent', 'update', { analytics_storage: 'granted', ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' });
    const apply = vi.fn<ApplyConsent>();
    consentModeSignal(apply);
    expect(apply).toHaveBeenCalledWith({ analytics: true, marketing: true }, 'consent-mode');
    const length = win.dataLayer!.push({ event: 'page_view' });
    expect(length).toBe(2);
    expect(win.dataLayer![1]).toEqual({ event: 'page_view' });
  });

  it('starts the dataLayer when the page has none yet, so a later gtag snippet feeds it', () => {
    const apply = vi.fn<ApplyConsent>();
    consentModeSignal(apply);
    gtag('consent', 'update', { analytics_storage: 'denied' });
    expect(apply).toHaveBeenCalledWith({ analytics: false }, 'consent-mode');
  });
});
