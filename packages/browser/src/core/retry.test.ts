import { describe, expect, it } from 'vitest';
import { BASE_BACKOFF_MS, MAX_BACKOFF_MS, backoffDelay, parseRetryAfter } from './retry.js';

describe('parseRetryAfter', () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0);
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 12:00:30 GMT', now)).toBe(30_000);
  });
  it('is 0 when absent, past or unreadable', () => {
    expect(parseRetryAfter(null, now)).toBe(0);
    expect(parseRetryAfter('Wed, 01 Jan 2025 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBe(0);
    expect(parseRetryAfter('-5', now)).toBe(0);
  });
});

describe('backoffDelay', () => {
  it('draws uniformly below a doubling, capped ceiling', () => {
    expect(backoffDelay(0, () => 0.999)).toBeCloseTo(BASE_BACKOFF_MS, -1);
    expect(backoffDelay(3, () => 0.5)).toBe(4 * BASE_BACKOFF_MS);
    expect(backoffDelay(30, () => 0.5)).toBe(MAX_BACKOFF_MS / 2);
    expect(backoffDelay(5, () => 0)).toBe(0);
  });
});
