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
  headers: (body: string) => Record<string, string>;
  /** Each item as JSON text. */
  serialize: (item: OutboxItem) => string;
  /** The request body around the items' JSON texts. */
  envelope: (items: readonly string[]) => string;
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
  const post = async (texts: readonly string[]): Promise<SendResult> => {
    const body = options.envelope(texts);
    let response: Response;
    try {
      response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'cairn-collector', ...options.headers(body) },
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : describeFetchError(error);
      return { ok: false, error: `POST ${options.url}: ${reason}` };
    }
    const excerpt = (await response.text().catch(() => '')).slice(0, 300);
    if (response.ok) return { ok: true };
    const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now());
    return {
      ok: false,
      error: `POST ${options.url}: HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}`,
      ...(retryable ? {} : { permanent: true }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  };
  return {
    send: async (items) => {
      let chunk: string[] = [];
      let bytes = 0;
      for (const item of items) {
        const text = options.serialize(item);
        const size = Buffer.byteLength(text);
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
    close: async () => undefined,
  };
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici puts the reason (ECONNREFUSED, ECONNRESET …) in the cause.
  const cause = error.cause instanceof Error ? error.cause : undefined;
  const code = cause && 'code' in cause ? String((cause as { code: unknown }).code) : undefined;
  return code ? `${error.message} (${code}: ${cause?.message})` : cause ? `${error.message} (${cause.message})` : error.message;
}
