import type { Transport } from '../core/types.js';

/**
 * POSTs with fetch a string body, which fetch sends as `text/plain;charset=UTF-8`: a CORS
 * "simple request", so no preflight round trip before each batch, and the UTF-8 encoding done
 * natively. `timeout` aborts a request (and the reading of its answer) after that many ms.
 *
 * @example
 * await fetchTransport('https://collect.example.com/v1/batch', '{"batch":[]}', false);
 */
export const fetchTransport: Transport = async (url, body, keepalive, timeout) => {
  const response = await fetch(url, {
    method: 'POST',
    body,
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
