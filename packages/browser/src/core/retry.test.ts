import { describe, expect, it } from 'vitest';
import { MAX_BACKOFF_MS, backoffDelay, parseRetryAfter } from './retry.js';

const BASE = 1000;

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
    expect(backoffDelay(0, () => 0.999, BASE)).toBeCloseTo(BASE, -1);
    expect(backoffDelay(3, () => 0.5, BASE)).toBe(4 * BASE);
    expect(backoffDelay(30, () => 0.5, BASE)).toBe(MAX_BACKOFF_MS / 2);
    expect(backoffDelay(5, () => 0, BASE)).toBe(0);
    expect(backoffDelay(2, () => 0.5, 10)).toBe(20); // retryDelay: 10

  });
});
