import proxyaddr from 'proxy-addr';

/** Whether the peer at `address`, `hop` steps from the collector (0 = the socket), is a proxy we trust. */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * The client address a request is counted under for rate limiting (and recorded with
 * `privacy.recordIp`).
 *
 * Without `trust` it is the socket's peer, whatever headers say: X-Forwarded-For is written by
 * the client unless a proxy we trust rewrote it. With `trust` (from `compileTrustProxy`), the
 * X-Forwarded-For chain is walked from the socket leftwards for as long as each address is a
 * trusted proxy; the first untrusted one is the client (the `proxy-addr` package, as Express
 * does). A client that reaches the port directly, from an address not in the list, cannot
 * pick its own address however it writes the header.
 *
 * IPv6 addresses are reduced to their /64 network: one subscriber usually holds a whole /64
 * and could otherwise rotate addresses to dodge the limit.
 *
 * @example
 * const trust = compileTrustProxy(['10.0.0.0/8']);
 * resolveClientIp('6.6.6.6, 203.0.113.9', '10.0.0.2', trust)  // '203.0.113.9'
 * resolveClientIp('6.6.6.6', '198.51.100.4', trust)           // '198.51.100.4' (not a proxy)
 */
export function resolveClientIp(forwardedFor: string | undefined, socketAddress: string | undefined, trust?: TrustProxy): string | undefined {
  let address = socketAddress;
  if (trust !== undefined && socketAddress !== undefined && forwardedFor !== undefined) {
    // proxy-addr reads only these two fields of a Node request.
    const request = { headers: { 'x-forwarded-for': forwardedFor }, connection: { remoteAddress: socketAddress } };
    const forwarded = proxyaddr(request as unknown as Parameters<typeof proxyaddr>[0], trust);
    // X-Forwarded-For is free text up to the header limit (16 KiB): an entry that is no
    // address is the socket's peer instead (with privacy.ipMode "full" it would be copied onto
    // every event of the request, and it names no client anyway).
    address = ADDRESS_TEXT.test(forwarded) ? forwarded : socketAddress;
  }
  return address === undefined ? undefined : networkKey(address);
}

/** IPv4, or IPv6 (brackets, a zone and a port allowed): what an X-Forwarded-For entry may be. */
const ADDRESS_TEXT = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[?[0-9A-Fa-f:.]{2,45}(?:%[\w.-]{1,32})?\]?)(?::\d{1,5})?$/;

/** Names `proxy-addr` knows for address ranges, beside IP addresses and CIDRs. */
export const TRUST_PROXY_PRESETS = ['loopback', 'linklocal', 'uniquelocal'] as const;

/**
 * A trust function for {@link resolveClientIp} from proxy addresses, CIDRs (`10.0.0.0/8`,
 * `fd00::/8`) and preset names (`loopback`, `linklocal`, `uniquelocal`). Throws on an entry
 * that is none of them; undefined for an empty list (trust no one).
 *
 * @example
 * compileTrustProxy(['loopback', '10.0.0.0/8'])?.('10.1.2.3', 0) // true
 */
export function compileTrustProxy(entries: readonly string[]): TrustProxy | undefined {
  return entries.length === 0 ? undefined : proxyaddr.compile([...entries]);
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
