import { encodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import { countOverLimits } from './queue-limits.js';
import { queued } from '../../test-support/test-kit.js';
import { ulidTime } from './ulid-time.js';

const DAY = 864e5;
const now = Date.UTC(2025, 0, 10);
const at = (ms: number, n: number, size = 10) => queued(ulidTime(ms) + String(n).padStart(16, '0'), 'x'.repeat(size));
const limits = { maxQueueEvents: 1000, maxQueueBytes: 1e6, queueTtl: 7 * DAY };

describe('ulidTime', () => {
  it('matches the reference ULID time encoding', () => {
    for (const ms of [0, 1, now, 2 ** 48 - 1]) expect(ulidTime(ms)).toBe(encodeTime(ms, 10));
  });
});

describe('countOverLimits', () => {
  it('is 0 within every limit, and for an empty queue', () => {
    expect(countOverLimits([at(now, 1), at(now, 2)], limits, now)).toBe(0);
    expect(countOverLimits([], limits, now)).toBe(0);
  });

  it('drops the oldest past maxQueueEvents', () => {
    const events = Array.from({ length: 12 }, (_, i) => at(now - DAY, i));
    expect(countOverLimits(events, { ...limits, maxQueueEvents: 10 }, now)).toBe(2);
    expect(countOverLimits(events, { ...limits, maxQueueEvents: 0 }, now)).toBe(12);
  });

  it('drops the oldest past maxQueueBytes, counting the newest first', () => {
    const events = [at(now, 1, 300), at(now, 2, 100), at(now, 3, 100), at(now, 4, 100)];
    expect(countOverLimits(events, { ...limits, maxQueueBytes: 300 }, now)).toBe(1);
    expect(countOverLimits(events, { ...limits, maxQueueBytes: 299 }, now)).toBe(2);
  });

  it('counts maxQueueBytes in characters of the JSON, measured or not, encoding nothing', () => {
    const unmeasured = (n: number, text: string) => ({ ...at(now, n), json: text, bytes: 0 });
    // 3 characters each ('é' is 2 UTF-8 bytes, ASCII 1).
    const events = [unmeasured(1, 'ééé'), unmeasured(2, 'aaa'), { ...unmeasured(3, 'ééé'), bytes: 6 }];
    expect(countOverLimits(events, { ...limits, maxQueueBytes: 9 }, now)).toBe(0);
    expect(countOverLimits(events, { ...limits, maxQueueBytes: 8 }, now)).toBe(1);
    expect(events.map((event) => event.bytes)).toEqual([0, 0, 6]);
  });

  it('drops events captured more than queueTtl ago, read from their ULID', () => {
    const events = [at(now - 8 * DAY, 1), at(now - 7 * DAY - 1, 2), at(now - 7 * DAY, 3), at(now - 1, 4)];
    expect(countOverLimits(events, limits, now)).toBe(2);
  });

  it('applies only queueTtl when asked (ttlOnly): a burst not yet tried is not capped', () => {
    const events = [at(now - 8 * DAY, 1), ...Array.from({ length: 11 }, (_, n) => at(now - 1, n + 2))];
    expect(countOverLimits(events, { ...limits, maxQueueEvents: 3, maxQueueBytes: 1 }, now, true)).toBe(1);
    expect(countOverLimits(events, { ...limits, maxQueueEvents: 3 }, now)).toBe(9);
  });
});
