/**
 * What the collector keeps of an IP address:
 * - `truncate` (default): the network only, IPv4 to /24 (`203.0.113.0`) and IPv6 to /48
 *   (`2001:db8:85a3::`): enough for country- or city-level geolocation, not a household;
 * - `drop`: nothing;
 * - `full`: the address as received (only with a legal basis for it).
 */
export type IpMode = 'truncate' | 'drop' | 'full';

export const IP_MODES: readonly IpMode[] = ['truncate', 'drop', 'full'];

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

/**
 * Applies `mode` to one address. Accepts IPv4, IPv6 (compressed, bracketed, with a zone or
 * a prefix length such as the rate limiter's `2001:db8:1:2::/64`) and IPv4-mapped IPv6
 * (`::ffff:203.0.113.9`, truncated as IPv4). Anything that does not parse as an address is
 * dropped under `truncate`: an unparsed value cannot be shown to hold no full address.
 *
 * @example
 * applyIpMode('203.0.113.77', 'truncate')              // '203.0.113.0'
 * applyIpMode('2001:db8:85a3:8d3:1319:8a2e:370:7348', 'truncate') // '2001:db8:85a3::'
 * applyIpMode('203.0.113.77', 'drop')                  // undefined
 */
export function applyIpMode(address: string, mode: IpMode): string | undefined {
  if (mode === 'full') return address;
  if (mode === 'drop') return undefined;
  const bare = address.trim().replace(/^\[|\]$/g, '').replace(/%[^/]*/, '').replace(/\/\d{1,3}$/, '');
  const v4 = ipv4Network(bare.replace(/^::ffff:/i, ''));
  if (v4 !== undefined) return v4;
  const groups = ipv6Groups(bare);
  return groups && `${groups.slice(0, 3).map((group) => group.replace(/^0+(?=.)/, '').toLowerCase()).join(':')}::`;
}

function ipv4Network(text: string): string | undefined {
  const parts = IPV4.exec(text)?.slice(1).map(Number);
  if (!parts || parts.some((part) => part > 255)) return undefined;
  return `${parts[0]}.${parts[1]}.${parts[2]}.0`;
}

/** The eight groups of an IPv6 address, or undefined if it is not one. */
function ipv6Groups(text: string): string[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2 || !text.includes(':')) return undefined;
  const split = (half: string | undefined) => (half ? half.split(':') : []);
  const head = split(halves[0]);
  const tail = split(halves[1]);
  // An embedded IPv4 tail (`64:ff9b::192.0.2.1`) stands for two groups.
  const last = tail.length > 0 ? tail : head;
  if (last.length > 0 && IPV4.test(last[last.length - 1] as string)) last.splice(-1, 1, '0', '0');
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail];
  return groups.every((group) => HEX_GROUP.test(group)) ? groups : undefined;
}
