import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLocalStorage } from './local-storage.js';

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe('createLocalStorage', () => {
  it('reads and writes localStorage at call time', () => {
    const storage = createLocalStorage();
    storage.set('cairn:aid', 'A1');
    expect(localStorage.getItem('cairn:aid')).toBe('A1');
    localStorage.setItem('cairn:uid', 'set-by-another-tab');
    expect(storage.get('cairn:uid')).toBe('set-by-another-tab');
    storage.set('cairn:uid');
    expect(localStorage.getItem('cairn:uid')).toBeNull();
  });

  it('keeps values in memory where localStorage throws (storage blocked)', () => {
    const blocked = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
    vi.stubGlobal('localStorage', { getItem: blocked, setItem: blocked, removeItem: blocked });
    const storage = createLocalStorage();
    expect(storage.get('cairn:aid')).toBeUndefined();
    storage.set('cairn:aid', 'A1');
    expect(storage.get('cairn:aid')).toBe('A1');
    storage.set('cairn:aid');
    expect(storage.get('cairn:aid')).toBeUndefined();
  });
});
