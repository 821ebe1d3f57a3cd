import { HTTPException } from 'hono/http-exception';
import { ERROR_CODES } from '@cairn/protocol';
import { httpError } from './http-error.js';

/**
 * The body's bytes as sent (before any inflation), read by a route faster than the Web
 * stream when the runtime offers one: the Node entry reads the socket's request directly
 * (see `readIncomingBody`), skipping the Web Request and ReadableStream it would otherwise
 * build for every request. Resolves `'too_large'` once past `limit`, having stopped reading.
 * Returns undefined when it cannot read this request (then the Web Request is read).
 */
export type WireBodyReader = (limit: number) => Promise<Uint8Array | 'too_large'> | undefined;

/**
 * Request body bytes, inflated when gzip (by `Content-Encoding: gzip` or the gzip magic bytes,
 * since some libraries compress without saying so). Both the bytes on the wire and the
 * inflated bytes are capped at `limit`: the stream is counted as it is read and abandoned at
 * the limit, so neither a lying/absent Content-Length nor a gzip bomb can make us buffer more.
 *
 * @example
 * const bytes = await readRequestBody(request, MAX_REQUEST_BYTES); // 413 past the limit
 */
export async function readRequestBody(request: Request, limit: number, readWire?: WireBodyReader): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\s*\d+\s*$/.test(declared) && Number(declared) > limit) throw tooLarge(limit);
  const gzipDeclared = readEncoding(request.headers.get('content-encoding'));
  const fast = readWire?.(limit);
  const wire = fast ? await fast : request.body ? await readLimited(request.body, limit) : new Uint8Array(0);
  if (wire === 'too_large') throw tooLarge(limit);
  if (!gzipDeclared && !hasGzipMagic(wire)) return wire;
  try {
    return await readLimited(bytesStream(wire).pipeThrough(new DecompressionStream('gzip')), limit);
  } catch (error) {
    if (error instanceof HTTPException) throw error;
    throw httpError(400, ERROR_CODES.invalidJson, 'body is not valid gzip');
  }
}

/** True when the body says gzip; 415 for any coding we do not inflate. */
function readEncoding(header: string | null): boolean {
  const coding = (header ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity') return false;
  if (coding === 'gzip' || coding === 'x-gzip') return true;
  throw httpError(415, ERROR_CODES.unsupportedEncoding, `Content-Encoding "${coding.slice(0, 40)}" is not supported; use gzip or none`);
}

function hasGzipMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function readLimited(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      // Stop pulling (and inflating) at once; the rest of the upload is never buffered.
      reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

function tooLarge(limit: number): HTTPException {
  return httpError(413, ERROR_CODES.payloadTooLarge, `request body is over the ${limit}-byte limit (inflated)`);
}
