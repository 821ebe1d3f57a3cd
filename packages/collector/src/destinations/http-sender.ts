import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { parseRetryAfter } from './backoff.js';
import type { OutboxItem } from './outbox.js';
import type { SendResult, Sender } from './sender.js';

/**
 * A request body under this many bytes: Segment's `/v1/batch` takes 500 KiB, and a Cairn
 * collector the same (DESIGN.md); a larger batch goes as several requests, in order.
 */
export const MAX_REQUEST_BYTES = 450 * 1024;

export interface HttpSenderOptions {
  url: string;
  timeoutMs: number;
  /** The request's headers for one body (signature, auth, custom). */
  headers: (body: Buffer) => Record<string, string>;
  /** Each item as JSON, text or UTF-8 bytes. */
  serialize: (item: OutboxItem) => string | Buffer;
  /** The request body around the items' JSON (see {@link jsonBatch}). */
  envelope: (items: readonly Buffer[]) => Buffer;
  now?: () => number;
}

/**
 * POSTs JSON batches: 2xx delivered; 408, 429, 5xx, a timeout or a network error are retried
 * (honouring `Retry-After`); any other status is permanent (the batch is dead-lettered,
 * replayable once the receiver or the config is fixed).
 *
 * @example
 * const sender = createHttpSender({ url, timeoutMs: 10_000, headers: () => ({}), serialize, envelope });
 */
export function createHttpSender(options: HttpSenderOptions): Sender {
  const now = options.now ?? Date.now;
  const url = new URL(options.url);
  const secure = url.protocol === 'https:';
  // node:http rather than fetch: fetch refuses "bad ports" (6000, 6667 …) a receiver may use,
  // and costs more CPU per request. One keep-alive connection: batches go one at a time.
  const agent = secure ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const post = async (texts: readonly Buffer[]): Promise<SendResult> => {
    const body = options.envelope(texts);
    let answer: { status: number; retryAfter: string | null; excerpt: string };
    try {
      answer = await exchange(body);
    } catch (error) {
      return { ok: false, error: `POST ${options.url}: ${describeError(error, options.timeoutMs)}` };
    }
    if (answer.status >= 200 && answer.status < 300) return { ok: true };
    const retryable = answer.status === 408 || answer.status === 429 || answer.status >= 500;
    const retryAfterMs = parseRetryAfter(answer.retryAfter, now());
    return {
      ok: false,
      error: `POST ${options.url}: HTTP ${answer.status}${answer.excerpt ? `: ${answer.excerpt}` : ''}`,
      ...(retryable ? {} : { permanent: true }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  };
  const exchange = (body: Buffer) =>
    new Promise<{ status: number; retryAfter: string | null; excerpt: string }>((resolve, reject) => {
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'cairn-collector',
        ...options.headers(body),
        'content-length': String(body.length),
      };
      const req = (secure ? httpsRequest : httpRequest)(url, { method: 'POST', agent, headers, signal: AbortSignal.timeout(options.timeoutMs) }, (res: IncomingMessage) => {
        // Read a bounded excerpt for lastError; the rest is drained so the connection is reused.
        let excerpt = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (excerpt.length < 300) excerpt += chunk;
        });
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, retryAfter: typeof retryAfter === 'string' ? retryAfter : null, excerpt: excerpt.slice(0, 300) });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  return {
    send: async (items) => {
      let chunk: Buffer[] = [];
      let bytes = 0;
      for (const item of items) {
        const shaped = options.serialize(item);
        // Bytes all the way: the body is built, signed and written without a UTF-8 conversion.
        const text = typeof shaped === 'string' ? Buffer.from(shaped) : shaped;
        const size = text.length;
        if (chunk.length > 0 && bytes + size > MAX_REQUEST_BYTES) {
          const result = await post(chunk);
          if (!result.ok) return result;
          chunk = [];
          bytes = 0;
        }
        chunk.push(text);
        bytes += size + 1;
      }
      return chunk.length === 0 ? { ok: true } : post(chunk);
    },
    close: async () => agent.destroy(),
  };
}

const COMMA = Buffer.from(',');

/**
 * `head` + the items joined by commas + `tail`, as one buffer (a memory copy of each item).
 *
 * @example
 * jsonBatch('{"batch":[', [Buffer.from('{"a":1}'), Buffer.from('{"b":2}')], ']}').toString() // '{"batch":[{"a":1},{"b":2}]}'
 */
export function jsonBatch(head: string, items: readonly Buffer[], tail: string): Buffer {
  const parts: Buffer[] = [Buffer.from(head)];
  items.forEach((item, index) => {
    if (index > 0) parts.push(COMMA);
    parts.push(item);
  });
  parts.push(Buffer.from(tail));
  return Buffer.concat(parts);
}

function describeError(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError' || (error.name === 'AbortError' && /timeout/i.test(String(error.cause ?? error.message)))) {
    return `no answer within ${timeoutMs} ms`;
  }
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
