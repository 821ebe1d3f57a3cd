import { compileTrustProxy, TRUST_PROXY_PRESETS } from '../http/client-ip.js';
import { CollectorError } from '../collector-error.js';

const WHERE = 'trustProxy (--trust-proxy / CAIRN_TRUST_PROXY / config file)';

/**
 * The `trustProxy` setting as a list of proxy addresses, CIDRs and presets, each checked by
 * `proxy-addr`. `false`, absent or empty: trust no proxy. Throws {@link CollectorError}
 * `invalid_config` for an entry that is not an address, and for the hop counts of earlier
 * versions (`true`, `1`, …), which trusted X-Forwarded-For from anyone who reached the port.
 *
 * @example
 * readTrustProxy('10.0.0.0/8, loopback') // ['10.0.0.0/8', 'loopback']
 * readTrustProxy(false)                 // []
 */
export function readTrustProxy(value: boolean | number | string | string[] | undefined): string[] {
  if (value === undefined || value === false) return [];
  const entries = (Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value])
    .map((entry) => String(entry).trim())
    .filter((entry) => entry !== '');
  if (entries.length === 1 && entries[0] === 'false') return [];
  for (const entry of entries) {
    if (entry === 'true' || /^\d+$/.test(entry)) {
      throw new CollectorError(
        'invalid_config',
        `${WHERE}: "${entry}" is a hop count, no longer accepted (it trusted X-Forwarded-For from any client that reached the port directly). ` +
          'List the addresses or CIDRs of your proxies instead, e.g. --trust-proxy 10.0.0.0/8, or "loopback" for a proxy on this host',
      );
    }
    try {
      compileTrustProxy([entry]);
    } catch {
      throw new CollectorError(
        'invalid_config',
        `${WHERE}: "${entry}" is not an IP address, a CIDR (10.0.0.0/8, fd00::/8) or one of ${TRUST_PROXY_PRESETS.join(', ')}`,
      );
    }
  }
  return entries;
}
