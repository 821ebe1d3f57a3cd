import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLeaseLock } from './lease-lock.js';

const NAME = 'cairn:send:wk';
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(() => localStorage.clear());
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('createLeaseLock', () => {
  it('lets one holder at a time run, skips or waits for the others, and frees the lease after', async () => {
    const tabA = createLeaseLock(NAME, 'a');
    const tabB = createLeaseLock(NAME, 'b');
    let running = 0;
    let most = 0;
    const work = (result: string) => async () => {
      most = Math.max(most, ++running);
      await tick(30);
      running--;
      return result;
    };
    const first = tabA(true, work('a1'));
    await tick(10); // A has claimed; B finds the lease taken
    expect(localStorage.getItem(NAME)).toMatch(/^\d{13} a$/);
    expect(await tabB(false, work('skipped'))).toBeUndefined();
    const results = await Promise.all([first, tabB(true, work('b1')), tabA(true, work('a2'))]);
    expect(results).toEqual(['a1', 'b1', 'a2']);
    expect(most).toBe(1);
    expect(localStorage.getItem(NAME)).toBeNull();
  });

  it('lets the last of two simultaneous claims win', async () => {
    // Two tabs whose claims have not yet propagated to each other: both read a free lease.
    const values = new Map<string, string>();
    let stale = 2;
    vi.stubGlobal('localStorage', {
      getItem: (key: string) => (stale-- > 0 ? null : values.get(key) ?? null),
      setItem: (key: string, value: string) => values.set(key, value),
      removeItem: (key: string) => values.delete(key),
    });
    const ran: string[] = [];
    const both = await Promise.all(
      ['a', 'b'].map((holder) => createLeaseLock(NAME, holder)(false, async () => ran.push(holder))),
    );
    expect(ran).toEqual(['b']);
    expect(both).toEqual([undefined, 1]);
    expect(values.size).toBe(0);
  });

  it('takes over a lease its holder left to expire (a tab that died sending)', async () => {
    localStorage.setItem(NAME, `${Date.now() - 1} dead`);
    expect(await createLeaseLock(NAME, 'a')(false, async () => 'ran')).toBe('ran');
    localStorage.setItem(NAME, `${Date.now() + 5000} alive`);
    expect(await createLeaseLock(NAME, 'a')(false, async () => 'ran')).toBeUndefined();
  });

  it('renews the lease while the holder works', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] });
    try {
      const done = createLeaseLock(NAME, 'a')(false, () => new Promise((resolve) => setTimeout(resolve, 30_000)));
      await vi.advanceTimersByTimeAsync(25_000);
      const [until, holder] = localStorage.getItem(NAME)!.split(' ');
      expect(holder).toBe('a');
      expect(+until!).toBeGreaterThan(Date.now());
      await vi.advanceTimersByTimeAsync(10_000);
      await done;
    } finally {
      vi.useRealTimers();
    }
  });

  it('runs directly where localStorage is blocked, and passes errors of the work through', async () => {
    const blocked = () => {
      throw new DOMException('blocked', 'SecurityError');
    };
    vi.stubGlobal('localStorage', { getItem: blocked, setItem: blocked, removeItem: blocked });
    let running = 0;
    const work = async () => {
      running++;
      await tick(20);
      return running--;
    };
    // Both run, at once: no coordination is possible (nor needed: no shared queue either).
    expect(await Promise.all([createLeaseLock(NAME)(false, work), createLeaseLock(NAME)(false, work)])).toEqual([2, 1]);
    vi.unstubAllGlobals();
    await expect(createLeaseLock(NAME)(false, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(localStorage.getItem(NAME)).toBeNull();
  });
});
