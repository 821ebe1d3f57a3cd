import { ERROR_CODES } from '@cairn/protocol';
import { httpError } from './http-error.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses the body as JSON whatever the Content-Type says (browsers send `text/plain` to stay
 * a CORS simple request; some server libraries say form-urlencoded). A UTF-8 BOM is skipped.
 * 400 `invalid_json` when it is not UTF-8 JSON.
 *
 * @example
 * parseJsonBody(new TextEncoder().encode('{"batch":[]}')) // { batch: [] }
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  return readJsonBody(bytes).value;
}

/**
 * {@link parseJsonBody}, with the decoded text beside the value (the ingest route slices each
 * event's raw JSON from it).
 *
 * @example
 * readJsonBody(new TextEncoder().encode('{"batch":[]}')) // { text: '{"batch":[]}', value: { batch: [] } }
 */
export function readJsonBody(bytes: Uint8Array): { text: string; value: unknown } {
  const text = decodeJsonText(bytes);
  return { text, value: parseJsonText(text) };
}

/**
 * The body's text; a UTF-8 BOM is dropped. 400 `invalid_json` when it is not UTF-8.
 *
 * @example
 * decodeJsonText(new TextEncoder().encode('{"batch":[]}')) // '{"batch":[]}'
 */
export function decodeJsonText(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw httpError(400, ERROR_CODES.invalidJson, 'body is not valid UTF-8');
  }
}

/**
 * `JSON.parse`, answering 400 `invalid_json` with the parser's reason.
 *
 * @example
 * parseJsonText('{"batch":[]}') // { batch: [] }
 */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message.slice(0, 120)}` : '';
    throw httpError(400, ERROR_CODES.invalidJson, `body is not valid JSON${detail}`);
  }
}
