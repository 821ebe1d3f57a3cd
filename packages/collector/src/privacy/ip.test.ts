import { describe, expect, it } from 'vitest';
import { applyIpMode } from './ip.js';

describe('applyIpMode truncate', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0'],
    ['10.0.0.1', '10.0.0.0'],
    [' 198.51.100.4 ', '198.51.100.0'],
    ['::ffff:203.0.113.9', '203.0.113.0'],
    ['::FFFF:203.0.113.9', '203.0.113.0'],
    ['2001:0db8:85a3:08d3:1319:8a2e:0370:7348', '2001:db8:85a3::'],
    ['2001:db8::1', '2001:db8:0::'],
    ['[2001:db8:abcd:12::1]', '2001:db8:abcd::'],
    ['fe80::1%eth0', 'fe80:0:0::'],
    ['2001:db8:1:2::/64', '2001:db8:1::'],
    ['::1', '0:0:0::'],
    ['::', '0:0:0::'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0::'],
  ])('%s → %s', (address, expected) => {
    expect(applyIpMode(address, 'truncate')).toBe(expected);
  });

  it.each(['', 'localhost', '256.1.1.1', '1.2.3', '1.2.3.4.5', '2001:db8::1::2', '2001:db8:1:2:3:4:5:6:7', '12345::', 'g::1', '1:2:3:4:5:6:7'])(
    'drops what is not an address: %j',
    (address) => {
      expect(applyIpMode(address, 'truncate')).toBeUndefined();
    },
  );
});

describe('applyIpMode drop and full', () => {
  it('drop keeps nothing, full keeps the address as received', () => {
    expect(applyIpMode('203.0.113.77', 'drop')).toBeUndefined();
    expect(applyIpMode('2001:db8::1', 'drop')).toBeUndefined();
    expect(applyIpMode('203.0.113.77', 'full')).toBe('203.0.113.77');
  });
});
