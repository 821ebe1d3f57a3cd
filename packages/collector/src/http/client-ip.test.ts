import { describe, expect, it } from 'vitest';
import { resolveClientIp } from './client-ip.js';

describe('resolveClientIp', () => {
  it.each([
    ['the socket by default, whatever X-Forwarded-For says', '6.6.6.6', '198.51.100.4', 0, '198.51.100.4'],
    ['the entry the trusted proxy appended', '6.6.6.6, 203.0.113.9', '10.0.0.2', 1, '203.0.113.9'],
    ['the entry appended by the first of two proxies', '6.6.6.6, 203.0.113.9, 10.0.0.7', '10.0.0.2', 2, '203.0.113.9'],
    ['the left-most when fewer entries than hops', '203.0.113.9', '10.0.0.2', 3, '203.0.113.9'],
    ['the socket when the proxy sent no header', undefined, '10.0.0.2', 1, '10.0.0.2'],
    ['IPv4-mapped IPv6 as IPv4', undefined, '::ffff:192.0.2.1', 0, '192.0.2.1'],
    ['an IPv4 entry with a port', '192.0.2.1:5123', '10.0.0.2', 1, '192.0.2.1'],
    ['IPv6 reduced to its /64', undefined, '2001:db8:aa:bb:1:2:3:4', 0, '2001:db8:aa:bb::/64'],
    ['compressed IPv6 reduced to its /64', '[2001:db8::1]:443', '10.0.0.2', 1, '2001:db8:0:0::/64'],
    ['loopback IPv6', undefined, '::1', 0, '0:0:0:0::/64'],
  ])('uses %s', (_label, forwarded, socket, hops, expected) => {
    expect(resolveClientIp(forwarded, socket, hops)).toBe(expected);
  });

  it('gives two addresses of one /64 the same key and another /64 another', () => {
    const a = resolveClientIp(undefined, '2001:db8:1:2::a', 0);
    expect(resolveClientIp(undefined, '2001:db8:1:2:ffff::b', 0)).toBe(a);
    expect(resolveClientIp(undefined, '2001:db8:1:3::a', 0)).not.toBe(a);
  });
});
