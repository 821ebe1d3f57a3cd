import { describe, expect, it } from 'vitest';
import { watchErasures } from './erasure-watch.js';
import type { Store } from './store.js';

describe('watchErasures', () => {
  it('reads -1 while any erasure runs, overlapping ones included, and a new count once all ended', async () => {
    const pending: (() => void)[] = [];
    const store = {
      erase: () => new Promise<{ events: number; quarantine: number }>((resolve) => pending.push(() => resolve({ events: 0, quarantine: 0 }))),
    } as unknown as Store;
    const watched = watchErasures(store);
    expect(watched.erasures()).toBe(0);
    const first = watched.store.erase({ userId: 'a' });
    const second = watched.store.erase({ userId: 'b' });
    expect(watched.erasures()).toBe(-1);
    pending[0]!();
    await first;
    // One of two has ended: a scan must still see an erasure in progress.
    expect(watched.erasures()).toBe(-1);
    pending[1]!();
    await second;
    expect(watched.erasures()).toBe(2);
  });
});
