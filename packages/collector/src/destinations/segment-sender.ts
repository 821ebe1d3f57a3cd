import type { DestinationConfig } from './destination-config.js';
import { createHttpSender, jsonBatch } from './http-sender.js';
import type { Sender } from './sender.js';
import { shapeEvent } from './shape-event.js';
import { lowerCaseKeys } from './webhook-sender.js';

/**
 * Segment-compatible destination (Segment, RudderStack, another Cairn): `POST {url}/v1/batch`
 * with `{"batch", "sentAt"}` and the write key as HTTP Basic user name; the receiver dedups on
 * each event's messageId.
 *
 * @example
 * const sender = createSegmentSender({ name: 'seg', kind: 'segment', url: 'https://api.segment.io', writeKey: 'wk' });
 */
export function createSegmentSender(config: DestinationConfig, timeoutMs: number, now: () => number = Date.now): Sender {
  const base = config.url.replace(/\/+$/, '');
  const authorization = `Basic ${Buffer.from(`${config.writeKey ?? ''}:`).toString('base64')}`;
  return createHttpSender({
    url: /\/v1\/batch$/.test(base) ? base : `${base}/v1/batch`,
    timeoutMs,
    now,
    serialize: (item) => shapeEvent(item, config),
    envelope: (texts) => jsonBatch('{"batch":[', texts, `],"sentAt":"${new Date(now()).toISOString()}"}`),
    headers: () => ({ ...lowerCaseKeys(config.headers), authorization }),
  });
}
