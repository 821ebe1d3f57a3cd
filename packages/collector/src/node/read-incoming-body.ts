import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';

/**
 * The Node entry's fast route to a request body (a `WireBodyReader` for `createCollector`'s
 * `readBody`): the bytes straight from Node's request stream. @hono/node-server builds the Web
 * Request, its AbortSignal and a ReadableStream over the socket only when the body is read
 * through them; reading the Node stream instead skips all three, about a tenth of the request
 * thread's time per ingest request when measured (docs/benchmarks.md). Counted as it arrives:
 * past `limit` it stops listening and resolves `'too_large'`, and the rest is discarded as it
 * arrives, so nothing more is buffered. Undefined when the request is not Node's or its
 * body was already read.
 *
 * @example
 * createCollector({ sources, store, readBody: (c, limit) => readIncomingBody(c, limit) });
 */
export function readIncomingBody(c: Context, limit: number): Promise<Uint8Array | 'too_large'> | undefined {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  if (incoming === undefined || incoming.readableDidRead || incoming.readableEnded || incoming.destroyed) return undefined;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const stop = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > limit) {
        stop();
        // Flowing with no listener: the rest is discarded as it arrives (what Node does with
        // an unread body), so the connection stays usable for the 413 and the next request.
        incoming.resume();
        resolve('too_large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    // The client went away before the body was complete: nobody is left to answer.
    const onClose = () => onError(new Error('the request was aborted before its body was complete'));
    incoming.on('data', onData);
    incoming.once('end', onEnd);
    incoming.once('error', onError);
    incoming.once('close', onClose);
  });
}
