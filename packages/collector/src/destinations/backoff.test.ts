import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelayMs } from './backoff.js';

describe('retry backoff', () => {
  it('doubles from the minimum with equal jitter, capped at the maximum', () => {
    const at = (failures: number, random: number) => retryDelayMs({ failures, minMs: 1000, maxMs: 60_000, random: () => random });
    expect([0, 1, 2, 3].map((failures) => at(failures, 0))).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((failures) => at(failures, 0.999999))).toEqual([1000, 2000, 4000, 8000].map((ms) => expect.closeTo(ms, 0)));
    expect(at(50, 1)).toBe(60_000);
    expect(at(50, 0)).toBe(30_000);
  });

  it("lets the receiver's Retry-After win, within the cap", () => {
    expect(retryDelayMs({ failures: 0, minMs: 1000, maxMs: 60_000, retryAfterMs: 7_000 })).toBe(7_000);
    expect(retryDelayMs({ failures: 9, minMs: 1000, maxMs: 60_000, retryAfterMs: 0 })).toBe(0);
    expect(retryDelayMs({ failures: 0, minMs: 1000, maxMs: 60_000, retryAfterMs: 3_600_000 })).toBe(60_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.UTC(2026, 11, 6, 8, 0, 0);
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('Sun, 06 Dec 2026 08:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 06 Dec 2026 07:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
