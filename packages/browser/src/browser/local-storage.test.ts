import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLocalStorage } from './local-storage.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe('createLocalStorage', () => {
  it('reads and writes localStorage', () => {
    localStorage.setItem('cairn:aid', 'A0');
    const storage = createLocalStorage();
    expect(storage.get('cairn:aid')).toBe('A0');
    storage.set('cairn:aid', 'A1');
    expect(localStorage.getItem('cairn:aid')).toBe('A1');
    expect(storage.get('cairn:aid')).toBe('A1');
    storage.set('cairn:aid');
    expect(localStorage.getItem('cairn:aid')).toBeNull();
    expect(storage.get('cairn:aid')).toBeNull();
  });

  it('reads localStorage once per key, and follows writes made by other tabs', () => {
    localStorage.setItem('cairn:uid', 'u1');
    const getItem = vi.spyOn(localStorage, 'getItem');
    const storage = createLocalStorage();
    for (let i = 0; i < 5; i++) expect(storage.get('cairn:uid')).toBe('u1');
    expect(getItem).toHaveBeenCalledTimes(1);
    // What the browser fires here when another tab of the site writes or clears localStorage.
    dispatchEvent(new StorageEvent('storage', { key: 'cairn:uid', oldValue: 'u1', newValue: 'u2' }));
    expect(storage.get('cairn:uid')).toBe('u2');
    dispatchEvent(new StorageEvent('storage', { key: 'cairn:uid', oldValue: 'u2', newValue: null }));
    expect(storage.get('cairn:uid')).toBeNull();
    localStorage.setItem('cairn:aid', 'A9');
    storage.get('cairn:aid');
    localStorage.clear();
    dispatchEvent(new StorageEvent('storage', { key: null }));
    expect(storage.get('cairn:aid')).toBeNull();
  });

  it('tells `changed` which key another tab wrote, once the cache holds the new value', () => {
    const seen: [string, string | null | undefined][] = [];
    const storage = createLocalStorage((key) => seen.push([key, storage.get(key)]));
    dispatchEvent(new StorageEvent('storage', { key: 'cairn:consent', newValue: '{"analytics":false}' }));
    dispatchEvent(new StorageEvent('storage', { key: null }));
    expect(seen).toEqual([['cairn:consent', '{"analytics":false}']]);
  });

  it('keeps values in memory where localStorage throws (storage blocked)', () => {
    const blocked = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
    vi.stubGlobal('localStorage', { getItem: blocked, setItem: blocked, removeItem: blocked });
    const storage = createLocalStorage();
    expect(storage.get('cairn:aid')).toBeNull();
    storage.set('cairn:aid', 'A1');
    expect(storage.get('cairn:aid')).toBe('A1');
    storage.set('cairn:aid');
    expect(storage.get('cairn:aid')).toBeNull();
  });
});
