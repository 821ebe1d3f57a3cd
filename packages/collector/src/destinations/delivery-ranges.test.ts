import { describe, expect, it } from 'vitest';
import { onlyColumn, rangeOfColumns, rangeSize, restrict, toRange } from './delivery-ranges.js';

describe('delivery ranges', () => {
  it('keeps bounds alone for consecutive rowids and lists the others', () => {
    expect(toRange([])).toBeUndefined();
    expect(toRange([4])).toEqual({ first: 4, last: 4, only: null });
    expect(toRange([4, 5, 6])).toEqual({ first: 4, last: 6, only: null });
    expect(toRange([4, 6])).toEqual({ first: 4, last: 6, only: [4, 6] });
    expect(rangeSize({ first: 4, last: 6, only: null })).toBe(3);
    expect(rangeSize({ first: 4, last: 9, only: [4, 9] })).toBe(2);
  });

  it('restricts a range above, below and without some rowids', () => {
    const range = { first: 1, last: 9, only: null };
    expect(restrict(range, { above: 4 })).toEqual({ first: 5, last: 9, only: null });
    expect(restrict(range, { below: 3 })).toEqual({ first: 1, last: 2, only: null });
    expect(restrict(range, { above: 9 })).toBeUndefined();
    expect(restrict(range, { except: new Set([3, 4]) })).toEqual({ first: 1, last: 9, only: [1, 2, 5, 6, 7, 8, 9] });
    expect(restrict(range, { except: new Set([1, 2]) })).toEqual({ first: 3, last: 9, only: null });
    expect(restrict(range, { except: new Set([20]) })).toEqual(range);
    const listed = { first: 2, last: 8, only: [2, 5, 8] };
    expect(restrict(listed, { above: 2 })).toEqual({ first: 5, last: 8, only: [5, 8] });
    expect(restrict(listed, { except: new Set([5]) })).toEqual({ first: 2, last: 8, only: [2, 8] });
    expect(restrict(listed, { except: new Set([2, 5, 8]) })).toBeUndefined();
    expect(restrict({ first: 5, last: 8, only: [5, 8] }, { except: new Set([5]) })).toEqual({ first: 8, last: 8, only: null });
  });

  it('round-trips the only_events column', () => {
    for (const range of [{ first: 1, last: 3, only: null }, { first: 1, last: 3, only: [1, 3] }]) {
      expect(rangeOfColumns(range.first, range.last, onlyColumn(range))).toEqual(range);
    }
  });
});
