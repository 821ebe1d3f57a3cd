import { describe, expect, it } from 'vitest';
import { compileTrustProxy, resolveClientIp } from './client-ip.js';

const proxies = compileTrustProxy(['10.0.0.0/8']);

describe('resolveClientIp', () => {
  it.each([
    ['the socket when no proxy is trusted, whatever X-Forwarded-For says', '6.6.6.6', '198.51.100.4', undefined, '198.51.100.4'],
    ['the socket when the peer is not a trusted proxy (a direct client)', '6.6.6.6', '198.51.100.4', proxies, '198.51.100.4'],
    ['the entry the trusted proxy appended', '6.6.6.6, 203.0.113.9', '10.0.0.2', proxies, '203.0.113.9'],
    ['the entry before a chain of trusted proxies', '6.6.6.6, 203.0.113.9, 10.0.0.7', '10.0.0.2', proxies, '203.0.113.9'],
    ['the left-most when every entry is a trusted proxy', '10.9.9.9, 10.0.0.7', '10.0.0.2', proxies, '10.9.9.9'],
    ['the socket when the entry is no address (free text, long)', `${'x'.repeat(10_000)}, 10.0.0.7`, '10.0.0.2', proxies, '10.0.0.2'],
    ['the socket when the entry is a word', 'not-an-ip', '10.0.0.2', proxies, '10.0.0.2'],
    ['an IPv6 entry, to its /64', '2001:db8:1:2:3:4:5:6', '10.0.0.2', proxies, '2001:db8:1:2::/64'],
    ['the socket when the proxy sent no header', undefined, '10.0.0.2', proxies, '10.0.0.2'],
    ['IPv4-mapped IPv6 as IPv4', undefined, '::ffff:192.0.2.1', undefined, '192.0.2.1'],
    ['an IPv4 entry with a port', '192.0.2.1:5123', '10.0.0.2', proxies, '192.0.2.1'],
    ['IPv6 reduced to its /64', undefined, '2001:db8:aa:bb:1:2:3:4', undefined, '2001:db8:aa:bb::/64'],
    ['compressed IPv6 reduced to its /64', '[2001:db8::1]:443', '10.0.0.2', proxies, '2001:db8:0:0::/64'],
    ['loopback IPv6', undefined, '::1', undefined, '0:0:0:0::/64'],
  ])('uses %s', (_label, forwarded, socket, trust, expected) => {
    expect(resolveClientIp(forwarded, socket, trust)).toBe(expected);
  });

  it('gives two addresses of one /64 the same key and another /64 another', () => {
    const a = resolveClientIp(undefined, '2001:db8:1:2::a');
    expect(resolveClientIp(undefined, '2001:db8:1:2:ffff::b')).toBe(a);
    expect(resolveClientIp(undefined, '2001:db8:1:3::a')).not.toBe(a);
  });

  it('trusts presets and IPv4-mapped proxies', () => {
    expect(resolveClientIp('203.0.113.9', '::ffff:127.0.0.1', compileTrustProxy(['loopback']))).toBe('203.0.113.9');
    expect(compileTrustProxy([])).toBeUndefined();
    expect(() => compileTrustProxy(['10.0.0.0/33'])).toThrow();
  });
});
