import { describe, expect, it } from 'vitest';
import { formatTimestamp, parseTimestamp } from './parse-timestamp.js';

describe('parseTimestamp', () => {
  it.each([
    ['2024-06-01T12:00:00Z', '2024-06-01T12:00:00.000Z'],
    ['2024-06-01T12:00:00.123456Z', '2024-06-01T12:00:00.123Z'],
    ['2024-06-01T14:00:00+02:00', '2024-06-01T12:00:00.000Z'],
    ['2024-06-01T07:30:00-0430', '2024-06-01T12:00:00.000Z'],
    ['2024-06-01T14:00:00+02', '2024-06-01T12:00:00.000Z'],
    ['2024-06-01 12:00:00z', '2024-06-01T12:00:00.000Z'],
    ['2024-06-01T12:00:00', '2024-06-01T12:00:00.000Z'], // no offset: UTC, not server-local
    ['2024-06-01T12:00', '2024-06-01T12:00:00.000Z'],
    ['2024-06-01', '2024-06-01T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2016-12-31T23:59:60Z', '2017-01-01T00:00:00.000Z'],
    ['0050-01-01T00:00:00Z', '0050-01-01T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(new Date(parseTimestamp(text) as number).toISOString()).toBe(iso);
  });

  it.each([
    'yesterday',
    'March 7 2024',
    '1717243200000',
    '2024-6-1',
    '2024-13-01',
    '2023-02-29T00:00:00Z',
    '2024-04-31',
    '2024-06-01T24:00:00Z',
    '2024-06-01T12:60:00Z',
    '2024-06-01T12:00:00+25:00',
    '2024-06-01T12:00:00Z trailing',
    '',
  ])('refuses %j', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });
});

describe('formatTimestamp', () => {
  it('formats within years 0000–9999 and refuses beyond', () => {
    expect(formatTimestamp(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(formatTimestamp(Date.UTC(9999, 11, 31))).toBe('9999-12-31T00:00:00.000Z');
    expect(formatTimestamp(Date.UTC(10000, 0, 1))).toBeUndefined();
    expect(formatTimestamp(Number.NaN)).toBeUndefined();
  });
});
