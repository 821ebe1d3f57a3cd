/**
 * One site or app sending events. Browser write keys are public, so `allowedOrigins` is what
 * stops another site from sending events under this key.
 *
 * @example
 * { name: 'shop', writeKey: 'wk_live_123', allowedOrigins: ['https://shop.example.com'] }
 */
export interface SourceConfig {
  /** Stored in every row's `source` column. */
  name: string;
  writeKey: string;
  /** Origins (`https://host[:port]`) browsers may send from; absent or empty: any origin. */
  allowedOrigins?: readonly string[];
  /** Requests per second for this source from all addresses together; 0 = unlimited. */
  rateLimit?: number;
}
