import { describe, expect, it } from 'vitest';
import { clientTimeText, parseClientTime } from './client-time.js';

const NOON = Date.UTC(2024, 5, 1, 12);

describe('parseClientTime', () => {
  it.each([
    ['2024-06-01T12:00:00.000Z', NOON, 'iso_utc'],
    ['2024-06-01T12:00:00Z', NOON, 'iso_utc'],
    ['2024-06-01T12:00:00+00:00', NOON, 'iso_utc'],
    ['2024-06-01T14:00:00+02:00', NOON, 'iso_offset'],
    ['2024-06-01T07:00:00-0500', NOON, 'iso_offset'],
    ['2024-06-01T12:00:00', NOON, 'iso_local'],
    [1717243200, NOON, 'epoch_seconds'],
    [1717243200.5, NOON + 500, 'epoch_seconds'],
    ['1717243200', NOON, 'epoch_seconds'],
    [1717243200000, NOON, 'epoch_millis'],
    ['1717243200123', NOON + 123, 'epoch_millis'],
  ] as const)('reads %j', (value, ms, format) => {
    expect(parseClientTime(value)).toEqual({ ms, format });
  });

  it.each([null, undefined, true, {}, [], 'yesterday', '', Number.NaN, Number.POSITIVE_INFINITY, '1e9', '0x10'])(
    'refuses %j',
    (value) => {
      expect(parseClientTime(value)).toBeUndefined();
    },
  );

  it('refuses epoch values when epoch parsing is switched off', () => {
    expect(parseClientTime(1717243200, false)).toBeUndefined();
    expect(parseClientTime('1717243200', false)).toBeUndefined();
    expect(parseClientTime('2024-06-01T12:00:00Z', false)).toEqual({ ms: NOON, format: 'iso_utc' });
  });

  it('keeps the client value as text', () => {
    expect(clientTimeText(1717243200)).toBe('1717243200');
    expect(clientTimeText('2024-06-01T14:00:00+02:00')).toBe('2024-06-01T14:00:00+02:00');
  });
});
