import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../core/memory-storage.js';
import { gateStorage } from './gate-storage.js';

describe('gateStorage', () => {
  it('keeps values in memory until persisting is allowed, then writes them out', () => {
    const storage = createMemoryStorage();
    let allowed: boolean | undefined;
    const gated = gateStorage(storage, () => allowed);
    gated.sync();
    gated.set('cairn:aid', 'a-1');
    expect(gated.get('cairn:aid')).toBe('a-1');
    expect(storage.get('cairn:aid')).toBeUndefined();
    allowed = true;
    gated.sync();
    expect(storage.get('cairn:aid')).toBe('a-1');
    gated.set('cairn:uid', 'u-1');
    expect(storage.get('cairn:uid')).toBe('u-1');
  });

  it('on a denial deletes the stored identifiers; the page goes on with new ones in memory', () => {
    const storage = createMemoryStorage();
    let allowed: boolean | undefined = true;
    const gated = gateStorage(storage, () => allowed);
    gated.set('cairn:aid', 'a-1');
    gated.set('cairn:uid', 'u-1');
    gated.set('cairn:session', '{"id":"s"}');
    allowed = false;
    gated.sync();
    for (const key of ['cairn:aid', 'cairn:uid', 'cairn:session']) {
      expect(storage.get(key)).toBeUndefined();
      expect(gated.get(key)).toBeUndefined();
    }
    gated.set('cairn:aid', 'a-2');
    expect(gated.get('cairn:aid')).toBe('a-2');
    expect(storage.get('cairn:aid')).toBeUndefined();
  });

  it('starts by deleting identifiers a page stored before consent was required', () => {
    const storage = createMemoryStorage();
    storage.set('cairn:aid', 'old');
    storage.set('other', 'kept');
    gateStorage(storage, () => undefined).sync();
    expect(storage.get('cairn:aid')).toBeUndefined();
    expect(storage.get('other')).toBe('kept');
  });

  it('reads through to storage while allowed, so other tabs’ writes are seen', () => {
    const storage = createMemoryStorage();
    const gated = gateStorage(storage, () => true);
    gated.sync();
    storage.set('cairn:aid', 'from-another-tab');
    expect(gated.get('cairn:aid')).toBe('from-another-tab');
  });
});
