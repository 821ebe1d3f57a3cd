import type { Transport } from '../core/types.js';

/**
 * POSTs with fetch, as `text/plain`: a CORS "simple request", so no preflight round trip
 * before each batch. The body comes as UTF-8 bytes (buildBatchBody): Chromium's own
 * conversion of a string body costs ~10 ns a character of main thread (5 ms for a full
 * batch). `timeout` aborts a request (and the reading of its answer) after that many ms.
 *
 * @example
 * await fetchTransport('https://collect.example.com/v1/batch', new TextEncoder().encode('{"batch":[]}'), false);
 */
export const fetchTransport: Transport = async (url, body, keepalive, timeout) => {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'text/plain' },
    keepalive,
    // A stalled request must not hold the send lock forever (the body's read included).
    // Browsers without AbortSignal.timeout (before Safari 16) send without one.
    signal: timeout ? AbortSignal.timeout?.(timeout) : undefined,
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    // text() then JSON.parse: the script-tag build mangles the property name `json` (ours).
    body: await response.text().then(JSON.parse).catch(() => {}),
  };
};
