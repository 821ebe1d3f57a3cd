import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApplyConsent } from './consent.js';
import { gpcSignal } from './gpc.js';

const setGpc = (value: unknown) =>
  Object.defineProperty(navigator, 'globalPrivacyControl', { value, configurable: true });

afterEach(() => {
  delete (navigator as { globalPrivacyControl?: unknown }).globalPrivacyControl;
});

describe('gpcSignal', () => {
  it('denies marketing as a GPC default when the browser sends the signal', () => {
    setGpc(true);
    const apply = vi.fn<ApplyConsent>();
    gpcSignal(apply);
    expect(apply).toHaveBeenCalledWith({ marketing: false }, 'gpc');
  });

  it('does nothing without the signal (absent, false, or not a boolean)', () => {
    const apply = vi.fn<ApplyConsent>();
    gpcSignal(apply);
    setGpc(false);
    gpcSignal(apply);
    setGpc('1');
    gpcSignal(apply);
    expect(apply).not.toHaveBeenCalled();
  });
});
