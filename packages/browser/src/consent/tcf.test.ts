import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStorage } from '../core/memory-storage.js';
import { createConsent, type ApplyConsent } from './consent.js';
import { tcfSignal } from './tcf.js';

type FakeCmp = { load(options?: { consents?: number[]; gdprApplies?: boolean }): void; decide(consents: number[]): void };
const win = window as unknown as { __tcfapi?: unknown; __fakeCmp: FakeCmp };
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

// The fake CMP the Chromium proofs use too (the IAB stub, then a CMP that loads), run afresh
// for each test as the page script it is.
beforeEach(async () => {
  vi.resetModules();
  await import('./fixtures/tcf-cmp.js');
});
afterEach(() => {
  delete win.__tcfapi;
});

describe('tcfSignal', () => {
  it('does nothing without a CMP on the page', () => {
    delete win.__tcfapi;
    const apply = vi.fn<ApplyConsent>();
    tcfSignal(apply);
    expect(apply).not.toHaveBeenCalled();
  });

  it('waits through the stub and the banner, then maps the visitor’s purpose consents', async () => {
    const apply = vi.fn<ApplyConsent>();
    tcfSignal(apply); // the CMP is still its stub: the call is queued
    await settle();
    win.__fakeCmp.load(); // new visitor: the banner shows, nothing decided
    await settle();
    expect(apply).not.toHaveBeenCalled();
    win.__fakeCmp.decide([1, 8, 9, 10]); // measurement yes, advertising no
    expect(apply).toHaveBeenLastCalledWith({ analytics: true, marketing: false }, 'tcf');
    win.__fakeCmp.decide([1, 2, 3, 4, 7, 8]); // changed their mind from the footer link
    expect(apply).toHaveBeenLastCalledWith({ analytics: true, marketing: true }, 'tcf');
    win.__fakeCmp.decide([]); // rejected all
    expect(apply).toHaveBeenLastCalledWith({ analytics: false, marketing: false }, 'tcf');
  });

  it('applies a returning visitor’s stored decision (tcloaded); purpose 1 is needed for anything', async () => {
    win.__fakeCmp.load({ consents: [7, 8] });
    const apply = vi.fn<ApplyConsent>();
    tcfSignal(apply);
    await settle();
    expect(apply).toHaveBeenCalledWith({ analytics: false, marketing: false }, 'tcf');
  });

  it('leaves the decision to the site’s mode where GDPR does not apply', async () => {
    win.__fakeCmp.load({ consents: [], gdprApplies: false });
    const apply = vi.fn<ApplyConsent>();
    tcfSignal(apply);
    await settle();
    expect(apply).not.toHaveBeenCalled();
  });

  it('drives the consent state end to end', async () => {
    const consent = createConsent({ consent: 'required' }, createMemoryStorage());
    tcfSignal(consent.apply);
    win.__fakeCmp.load();
    await settle();
    expect(consent.allows('analytics')).toBeUndefined();
    win.__fakeCmp.decide([1, 8]);
    expect(consent.snapshot()).toEqual({ necessary: true, analytics: true, marketing: false });
  });
});
