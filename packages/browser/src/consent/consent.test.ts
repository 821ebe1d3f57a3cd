import { describe, expect, it, vi } from 'vitest';
import { createMemoryStorage } from '../core/memory-storage.js';
import { createConsent } from './consent.js';

describe('createConsent', () => {
  it('optional mode (default): every category flows and nothing is stamped until consent is in play', () => {
    const consent = createConsent({}, createMemoryStorage());
    expect(consent.allows('analytics')).toBe(true);
    expect(consent.allows('marketing')).toBe(true);
    expect(consent.stamp()).toBeUndefined();
    consent.apply({ marketing: false });
    expect(consent.allows('marketing')).toBe(false);
    expect(consent.stamp()).toEqual({ categoryPreferences: { necessary: true, analytics: true, marketing: false } });
  });

  it('required mode: undecided categories hold, necessary always passes, decisions grant or deny', () => {
    const consent = createConsent({ consent: 'required' }, createMemoryStorage());
    expect(consent.allows('analytics')).toBeUndefined();
    expect(consent.allows('necessary')).toBe(true);
    expect(consent.stamp()).toEqual({ categoryPreferences: { necessary: true, analytics: false, marketing: false } });
    consent.apply({ analytics: true });
    expect(consent.allows('analytics')).toBe(true);
    expect(consent.allows('marketing')).toBeUndefined();
    consent.apply({ analytics: false, marketing: true });
    expect(consent.snapshot()).toEqual({ necessary: true, analytics: false, marketing: true });
    // A visitor cannot switch necessary off.
    consent.apply({ necessary: false });
    expect(consent.allows('necessary')).toBe(true);
  });

  it('keeps decisions for the next page, and never anything but booleans', () => {
    const storage = createMemoryStorage();
    createConsent({ consent: 'required' }, storage).apply({ analytics: true, marketing: 'yes' as unknown as boolean });
    expect(JSON.parse(storage.get('cairn:consent')!)).toEqual({ analytics: true });
    const next = createConsent({ consent: 'required' }, storage);
    expect(next.allows('analytics')).toBe(true);
    expect(next.allows('marketing')).toBeUndefined();
  });

  it('treats GPC as a default: it denies marketing until the visitor explicitly grants it', () => {
    const storage = createMemoryStorage();
    const consent = createConsent({}, storage);
    consent.apply({ marketing: false }, 'gpc');
    expect(consent.allows('marketing')).toBe(false);
    expect(storage.get('cairn:consent')).toBe('{}');
    consent.apply({ analytics: true }, 'tcf');
    expect(consent.allows('marketing')).toBe(false);
    consent.apply({ marketing: true });
    expect(consent.allows('marketing')).toBe(true);
    // A later GPC reading does not undo the explicit grant.
    consent.apply({ marketing: false }, 'gpc');
    expect(consent.allows('marketing')).toBe(true);
  });

  it('maps event names (or call types) to categories, analytics by default', () => {
    const consent = createConsent({ eventCategories: { 'Ad Clicked': 'marketing', page: 'necessary' } }, createMemoryStorage());
    expect(consent.categoryOf('track', 'Ad Clicked')).toBe('marketing');
    expect(consent.categoryOf('page')).toBe('necessary');
    expect(consent.categoryOf('track', 'Product Added')).toBe('analytics');
    expect(consent.categoryOf('track', 'constructor')).toBe('analytics');
  });

  it('stamps the three default categories plus any decided', () => {
    const consent = createConsent({ consent: 'required' }, createMemoryStorage());
    consent.apply({ analytics: true, personalisation: false });
    expect(consent.snapshot()).toEqual({ necessary: true, analytics: true, marketing: false, personalisation: false });
  });

  it('tells listeners the preferences in force and their source', () => {
    const consent = createConsent({ consent: 'required' }, createMemoryStorage());
    const listener = vi.fn();
    consent.listen(listener);
    consent.apply({ analytics: true }, 'consent-mode');
    expect(listener).toHaveBeenCalledWith({ necessary: true, analytics: true, marketing: false }, 'consent-mode');
  });

  it('takes a decision another tab stored: listeners hear it with source `tab`, identifiers follow', () => {
    // Two tabs share localStorage; this one only sees what the other stored when told (reload).
    const storage = createMemoryStorage();
    const here = createConsent({ consent: 'required' }, storage);
    const there = createConsent({ consent: 'required' }, storage);
    const listener = vi.fn();
    here.listen(listener);
    here.storage.set('cairn:aid', 'here-aid');
    there.storage.set('cairn:aid', 'there-aid');
    there.apply({ analytics: true });
    expect(storage.get('cairn:aid')).toBe('there-aid');
    expect(here.allows('analytics')).toBeUndefined();
    here.reload();
    expect(here.allows('analytics')).toBe(true);
    expect(listener).toHaveBeenCalledWith({ necessary: true, analytics: true, marketing: false }, 'tab');
    // The tab that granted stored its ids first: this one adopts them rather than overwrite.
    expect(here.storage.get('cairn:aid')).toBe('there-aid');
    expect(here.stamp()).toEqual({ categoryPreferences: { necessary: true, analytics: true, marketing: false } });

    there.apply({ analytics: false });
    here.reload();
    expect(here.allows('analytics')).toBe(false);
    expect(storage.get('cairn:aid')).toBeUndefined();
    expect(listener).toHaveBeenLastCalledWith({ necessary: true, analytics: false, marketing: false }, 'tab');
  });

  it('reads a corrupt stored record as undecided', () => {
    const storage = createMemoryStorage();
    storage.set('cairn:consent', '{not json');
    expect(createConsent({ consent: 'required' }, storage).allows('analytics')).toBeUndefined();
  });

  it('keeps identifiers out of storage until analytics is granted, and removes them on a denial', () => {
    const storage = createMemoryStorage();
    const consent = createConsent({ consent: 'required' }, storage);
    consent.storage.set('cairn:aid', 'a-1');
    expect(storage.get('cairn:aid')).toBeUndefined();
    consent.apply({ analytics: true });
    expect(storage.get('cairn:aid')).toBe('a-1');
    consent.apply({ analytics: false });
    expect(storage.get('cairn:aid')).toBeUndefined();
    expect(consent.storage.get('cairn:aid')).toBeUndefined();
  });

  it('tells which queued events a change condemns, by their JSON', () => {
    const consent = createConsent({ eventCategories: { 'Ad Clicked': 'marketing', page: 'necessary' } }, createMemoryStorage());
    consent.apply({ analytics: false, marketing: true });
    expect(consent.keeps('{"type":"track","event":"Product Added"}')).toBe(false);
    expect(consent.keeps('{"type":"track","event":"Ad Clicked"}')).toBe(true);
    expect(consent.keeps('{"type":"page","name":"Home"}')).toBe(true);
    expect(consent.keeps('{"type":"identify","userId":"u"}')).toBe(false);
  });
});
