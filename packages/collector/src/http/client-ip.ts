/**
 * The client address a request is counted under for rate limiting.
 *
 * With `trustedHops` = 0 it is the socket's peer, whatever headers say: X-Forwarded-For is
 * written by the client unless a proxy we trust rewrote it. Behind N trusted proxies each
 * appends the address it received from, so the client is the N-th entry from the right;
 * anything further left was sent by the client and may be forged.
 *
 * IPv6 addresses are reduced to their /64 network: one subscriber usually holds a whole /64
 * and could otherwise rotate addresses to dodge the limit.
 *
 * @example
 * resolveClientIp('6.6.6.6, 203.0.113.9', '10.0.0.2', 1) // '203.0.113.9'
 * resolveClientIp('6.6.6.6', '198.51.100.4', 0)          // '198.51.100.4'
 */
export function resolveClientIp(
  forwardedFor: string | undefined,
  socketAddress: string | undefined,
  trustedHops: number,
): string | undefined {
  let address = socketAddress;
  if (trustedHops > 0 && forwardedFor !== undefined) {
    const entries = forwardedFor.split(',').map((entry) => entry.trim()).filter(Boolean);
    address = entries[Math.max(0, entries.length - trustedHops)] ?? socketAddress;
  }
  return address === undefined ? undefined : networkKey(address);
}

function networkKey(address: string): string {
  const bare = address.replace(/^\[|\](:\d+)?$/g, '').replace(/%.*$/, '');
  const mapped = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)(?::\d+)?$/i.exec(bare);
  if (mapped) return mapped[1] as string;
  if (!bare.includes(':')) return bare;
  const [head = '', tail] = bare.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
