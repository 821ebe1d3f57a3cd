import { createHmac } from 'node:crypto';
import type { DestinationConfig } from './destination-config.js';
import { createHttpSender, jsonBatch } from './http-sender.js';
import type { Sender } from './sender.js';
import { shapeEvent } from './shape-event.js';

/** Headers of a signed webhook request (docs/destinations.md, "Verifying a webhook"). */
export const SIGNATURE_HEADER = 'cairn-signature';
export const TIMESTAMP_HEADER = 'cairn-timestamp';

/**
 * `v1=` + hex HMAC-SHA256 with the destination's secret over `${timestamp}.${body}`, where
 * timestamp is the `Cairn-Timestamp` header (Unix seconds): a receiver that checks both the
 * signature and that the timestamp is recent rejects forged and replayed requests.
 *
 * @example
 * signWebhook('s3cret-s3cret-s3cret', '1765000000', '{"batch":[]}') // 'v1=5f2c…'
 */
export function signWebhook(secret: string, timestamp: string, body: string | Uint8Array): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/**
 * Webhook destination: `POST url` with `{"destination", "sentAt", "batch": [event…]}` (events
 * as stored, with their messageId; erasures as deletion messages), signed when a secret is set.
 *
 * @example
 * const sender = createWebhookSender({ name: 'crm', kind: 'webhook', url: 'https://crm.example/hook', secret });
 */
export function createWebhookSender(config: DestinationConfig, timeoutMs: number, now: () => number = Date.now): Sender {
  return createHttpSender({
    url: config.url,
    timeoutMs,
    now,
    serialize: (item) => shapeEvent(item, config),
    envelope: (texts) => jsonBatch(`{"destination":${JSON.stringify(config.name)},"sentAt":"${new Date(now()).toISOString()}","batch":[`, texts, ']}'),
    headers: (body) => {
      const headers = lowerCaseKeys(config.headers);
      if (config.secret !== undefined) {
        const timestamp = String(Math.floor(now() / 1000));
        headers[TIMESTAMP_HEADER] = timestamp;
        headers[SIGNATURE_HEADER] = signWebhook(config.secret, timestamp, body);
      }
      return headers;
    },
  });
}

/**
 * Header names in lower case, so a configured `Authorization` or `Content-Type` replaces the
 * sender's own instead of going out twice.
 *
 * @example
 * lowerCaseKeys({ 'X-Api-Key': 'k' }) // { 'x-api-key': 'k' }
 */
export function lowerCaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}
