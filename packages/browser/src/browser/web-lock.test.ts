import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWebLock } from './web-lock.js';

afterEach(() => vi.unstubAllGlobals());

/** The part of the Web Locks API the lock uses: exclusive locks, `ifAvailable`. */
function fakeLocks() {
  const held = new Set<string>();
  const requests: { name: string; ifAvailable?: boolean }[] = [];
  return {
    requests,
    async request(name: string, options: { ifAvailable?: boolean }, callback: (lock: object | null) => unknown) {
      requests.push({ name, ...options });
      if (held.has(name)) {
        if (options.ifAvailable) return callback(null);
        while (held.has(name)) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      held.add(name);
      try {
        return await callback({ name });
      } finally {
        held.delete(name);
      }
    },
  };
}

describe('createWebLock', () => {
  it('skips without waiting when another holder has the lock, or waits when asked to', async () => {
    const locks = fakeLocks();
    vi.stubGlobal('navigator', { locks });
    const lock = createWebLock('cairn:send:wk')!;
    let release!: () => void;
    const holder = lock(true, () => new Promise<string>((resolve) => (release = () => resolve('first'))));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await lock(false, async () => 'skipped?')).toBeUndefined();
    const waiter = lock(true, async () => 'second');
    release();
    expect(await holder).toBe('first');
    expect(await waiter).toBe('second');
    expect(locks.requests).toEqual([
      { name: 'cairn:send:wk', ifAvailable: false },
      { name: 'cairn:send:wk', ifAvailable: true },
      { name: 'cairn:send:wk', ifAvailable: false },
    ]);
  });

  it('is undefined where the Web Locks API is missing (tabs then send uncoordinated)', () => {
    vi.stubGlobal('navigator', {});
    expect(createWebLock('x')).toBeUndefined();
  });
});
