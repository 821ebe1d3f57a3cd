import { decodeTime, isValid, monotonicFactory } from 'ulid';
import { describe, expect, it } from 'vitest';
import { createUlid } from './ulid.js';

describe('createUlid', () => {
  it('makes valid ULIDs carrying the current time', () => {
    const now = Date.UTC(2025, 5, 1, 12, 30, 0, 123);
    const id = createUlid(() => now)();
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(isValid(id)).toBe(true);
    expect(decodeTime(id)).toBe(now);
  });

  it('is monotonic within one millisecond and when the clock steps back', () => {
    let now = 1_700_000_000_000;
    const ulid = createUlid(() => now);
    const ids = Array.from({ length: 1000 }, (_, i) => {
      if (i == 500) now -= 5_000;
      return ulid();
    });
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    now += 10_000;
    const later = ulid();
    expect(later > ids[999]!).toBe(true);
    expect(decodeTime(later)).toBe(now);
  });

  it('carries when incrementing the random part', () => {
    const bytes = new Uint8Array(16);
    bytes[15] = 31;
    const ulid = createUlid(
      () => 0,
      (target) => (target.set(bytes), target),
    );
    expect(ulid().slice(-3)).toBe('00Z');
    expect(ulid().slice(-3)).toBe('010');
  });

  it('draws fresh randomness each millisecond', () => {
    let now = 1;
    const ulid = createUlid(() => now++);
    const randoms = new Set(Array.from({ length: 100 }, () => ulid().slice(10)));
    expect(randoms.size).toBe(100);
  });

  // The design names the `ulid` package; cairn.js keeps this smaller generator (docs/benchmarks.md
  // has both sizes), so it must do what the package's monotonicFactory does.
  it('within one millisecond, counts its random part up by one, as ulid’s monotonicFactory does', () => {
    const now = 1_733_000_000_000;
    const random = (id: string) => [...id.slice(10)].reduce((value, char) => value * 32n + BigInt('0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(char)), 0n);
    const steps = (ids: string[]) => ids.slice(1).map((id, n) => random(id) - random(ids[n]!));
    const theirs = monotonicFactory(() => 0.5);
    const reference = Array.from({ length: 200 }, () => theirs(now));
    const ours = createUlid(() => now);
    const mine = Array.from({ length: 200 }, () => ours());
    for (const ids of [reference, mine]) {
      expect(ids.every((id) => isValid(id) && decodeTime(id) == now)).toBe(true);
      expect(steps(ids).every((step) => step == 1n)).toBe(true);
    }
  });
});
