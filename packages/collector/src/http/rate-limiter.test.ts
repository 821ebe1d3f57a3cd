import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.js';

function clock(start = 0) {
  const state = { now: start };
  return { now: () => state.now, advance: (ms: number) => void (state.now += ms) };
}

describe('createRateLimiter', () => {
  it('lets a burst through, then one request per 1/rate seconds, with the wait as Retry-After', () => {
    const time = clock();
    const limiter = createRateLimiter({ requestsPerSecond: 2, burst: 3, now: time.now });
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
    time.advance(499);
    expect(limiter.take('a')).toBe(1);
    time.advance(2);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('b')).toBe(0); // another key has its own bucket
  });

  it('rounds Retry-After up to whole seconds for slow rates', () => {
    const time = clock();
    const limiter = createRateLimiter({ requestsPerSecond: 0.1, burst: 1, now: time.now });
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(10);
    time.advance(9_000);
    expect(limiter.take('a')).toBe(1);
  });

  it('keeps at most maxKeys buckets, forgetting refilled ones first', () => {
    const time = clock();
    const limiter = createRateLimiter({ requestsPerSecond: 1, burst: 2, maxKeys: 100, now: time.now });
    limiter.take('busy');
    limiter.take('busy');
    for (let i = 0; i < 99; i++) limiter.take(`idle-${i}`);
    expect(limiter.size).toBe(100);
    time.advance(1_000); // idle buckets (one token spent) are full again; 'busy' is not
    limiter.take('newcomer');
    expect(limiter.size).toBeLessThanOrEqual(100);
    expect(limiter.take('busy')).toBe(0); // it earned one token back, and its bucket was kept
    expect(limiter.take('busy')).toBe(1);
    for (let i = 0; i < 10_000; i++) limiter.take(`flood-${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => createRateLimiter({ requestsPerSecond: 0 })).toThrow(RangeError);
  });
});
