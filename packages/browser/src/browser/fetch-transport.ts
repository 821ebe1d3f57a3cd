import type { Transport } from '../core/types.js';

/**
 * POSTs with fetch. A string body makes the request `text/plain;charset=UTF-8` with no custom
 * header: a CORS "simple request", so no preflight round trip before each batch.
 *
 * @example
 * await fetchTransport('https://collect.example.com/v1/batch', body, false);
 */
export const fetchTransport: Transport = async (url, body, keepalive) => {
  const response = await fetch(url, { method: 'POST', body, keepalive });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: await response.json().catch(() => {}),
  };
};
