// A load client for the collector: SDK-shaped batches over keep-alive HTTP connections.
// Used by the throughput bench and by the crash tests (test/collector-*.test.ts), which need
// the messageIds of every batch the collector acknowledged.
import { Agent, request } from 'node:http';

/** Events per batch, as the browser SDK sends them at its default batch size. */
export const EVENTS_PER_BATCH = 20;

/**
 * One event as the browser SDK builds it: a track call with the full context (page, campaign,
 * device, consent, library, user agent). `__ID__` is replaced per event; about 1 KB of JSON.
 */
const EVENT_TEMPLATE = JSON.stringify({
  type: 'track',
  event: 'Product Added',
  messageId: '__ID__',
  timestamp: '__TS__',
  anonymousId: '0b9f1a6e-5a3b-4a8e-9c51-2f0d7f6f3c11',
  userId: 'user-48213',
  properties: { product_id: 'sku-1042', sku: 'TS-RED-M', name: 'T-shirt, red, M', category: 'Apparel', price: 24.9, quantity: 2, currency: 'EUR', coupon: 'SUMMER10', position: 3, url: 'https://shop.example.com/p/sku-1042' },
  context: {
    library: { name: '@cairn/browser', version: '0.1.0' },
    page: { url: 'https://shop.example.com/p/sku-1042?utm_source=newsletter&utm_medium=email&utm_campaign=summer', path: '/p/sku-1042', referrer: 'https://mail.example.org/', title: 'T-shirt, red — Example Shop', search: '?utm_source=newsletter&utm_medium=email&utm_campaign=summer' },
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
    locale: 'de-DE',
    timezone: 'Europe/Berlin',
    device: { type: 'desktop' },
    campaign: { source: 'newsletter', medium: 'email', name: 'summer' },
    consent: { categoryPreferences: { analytics: true, marketing: false } },
    sessionId: 's-01JD8V6Z3K4M5N6P7Q8R9S0T1V',
  },
});
const [HEAD, AFTER_ID] = EVENT_TEMPLATE.split('__ID__');
const [MIDDLE, TAIL] = /** @type {string} */ (AFTER_ID).split('__TS__');

/**
 * A batch body with fresh messageIds (`<prefix>-<n>`), built by concatenation so the client
 * spends little CPU on the same 2 cores the collector uses.
 *
 * @param {string} prefix
 * @param {number} first Counter of the first event.
 * @param {string} writeKey
 * @returns {{ body: string, ids: string[] }}
 */
export function buildBatch(prefix, first, writeKey) {
  const now = new Date().toISOString();
  const ids = [];
  const parts = [];
  for (let i = 0; i < EVENTS_PER_BATCH; i++) {
    const id = `${prefix}-${first + i}`;
    ids.push(id);
    parts.push(`${HEAD}${id}${MIDDLE}${now}${TAIL}`);
  }
  return { body: `{"writeKey":"${writeKey}","sentAt":"${now}","batch":[${parts.join(',')}]}`, ids };
}

/**
 * The rows a store is given for batches built by {@link buildBatch}, as the collector's
 * pipeline makes them (store-only benches: no HTTP, no pipeline).
 *
 * @param {string} prefix
 * @param {number} rows How many rows (a multiple of EVENTS_PER_BATCH).
 * @param {string} writeKey
 */
export function eventRows(prefix, rows, writeKey) {
  const receivedAt = new Date().toISOString();
  const events = [];
  for (let first = 0; first < rows; first += EVENTS_PER_BATCH) {
    for (const event of JSON.parse(buildBatch(prefix, first, writeKey).body).batch) {
      events.push({
        source: 'default', messageId: event.messageId, type: event.type, event: event.event, name: null,
        anonymousId: event.anonymousId, userId: event.userId, timestamp: event.timestamp, originalTimestamp: event.timestamp,
        sentAt: event.timestamp, receivedAt, raw: JSON.stringify(event), normalized: null,
      });
    }
  }
  return events;
}

/**
 * @typedef {object} LoadResult
 * @property {number} requests Requests answered 200.
 * @property {number} events Events in those requests.
 * @property {number} seconds Wall time of the run.
 * @property {number} eventsPerSecond
 * @property {number} p50Ms Latency of answered requests (from the scheduled send time when paced).
 * @property {number} p99Ms
 * @property {Record<string, number>} statuses Count by HTTP status (or `error:<code>`).
 * @property {string[]} acknowledgedIds messageIds of every batch answered 200 (when `keepIds`).
 */

/**
 * Posts batches to `${url}/v1/batch` from `connections` keep-alive connections for
 * `durationMs`, closed loop (each connection sends its next batch when the last is answered)
 * or paced at `ratePerSecond` requests per second (open loop, latency from the scheduled time,
 * so a slow server cannot hide its queueing).
 *
 * @param {object} options
 * @param {string} options.url Collector base URL.
 * @param {string} options.writeKey
 * @param {number} [options.connections] Default 32.
 * @param {number} options.durationMs
 * @param {number} [options.ratePerSecond] Paced mode when set.
 * @param {boolean} [options.keepIds] Collect the messageIds of acknowledged batches.
 * @param {string} [options.prefix] messageId prefix, unique per run.
 * @param {AbortSignal} [options.signal] Stops sending early (in-flight requests still complete).
 * @param {(exchange: { sentAt: number, answeredAt: number, status: string, ids: string[] }) => void} [options.onExchange]
 *   Called for every request once it is answered or failed (`performance.now()` times).
 * @returns {Promise<LoadResult>}
 * @example
 * const result = await runLoad({ url, writeKey: 'k', durationMs: 5000 });
 */
export async function runLoad({ url, writeKey, connections = 32, durationMs, ratePerSecond, keepIds = false, prefix = `m${Date.now().toString(36)}`, signal, onExchange }) {
  const target = new URL('/v1/batch', url);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  /** @type {number[]} */
  const latencies = [];
  /** @type {Record<string, number>} */
  const statuses = {};
  /** @type {string[]} */
  const acknowledgedIds = [];
  let counter = 0;
  let requests = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const stopped = () => signal?.aborted === true || performance.now() >= deadline;

  /** @param {number} scheduledAt */
  const sendOne = async (scheduledAt) => {
    const { body, ids } = buildBatch(prefix, counter, writeKey);
    counter += EVENTS_PER_BATCH;
    const sentAt = performance.now();
    const status = await post(target, body, agent);
    onExchange?.({ sentAt, answeredAt: performance.now(), status, ids });
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status === '200') {
      latencies.push(performance.now() - scheduledAt);
      requests++;
      if (keepIds) for (const id of ids) acknowledgedIds.push(id);
    } else if (status.startsWith('error:')) {
      // A refused connection (collector killed) must not spin the loop.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  if (ratePerSecond === undefined) {
    const worker = async () => {
      while (!stopped()) await sendOne(performance.now());
    };
    await Promise.all(Array.from({ length: connections }, worker));
  } else {
    const interval = 1000 / ratePerSecond;
    /** @type {Promise<void>[]} */
    const inFlight = [];
    let next = started;
    while (!stopped()) {
      const now = performance.now();
      while (next <= now && !stopped()) {
        const pending = sendOne(next);
        inFlight.push(pending);
        next += interval;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(5, next - performance.now()))));
    }
    await Promise.all(inFlight);
  }
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests,
    events: requests * EVENTS_PER_BATCH,
    seconds,
    eventsPerSecond: Math.round((requests * EVENTS_PER_BATCH) / seconds),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    statuses,
    acknowledgedIds,
  };
}

/**
 * @param {URL} target
 * @param {string} body
 * @param {Agent} agent
 * @returns {Promise<string>} The status code, or `error:<code>` when the request failed.
 */
function post(target, body, agent) {
  return new Promise((resolve) => {
    const req = request(
      target,
      { method: 'POST', agent, headers: { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(String(res.statusCode)));
        res.on('error', (error) => resolve(`error:${/** @type {NodeJS.ErrnoException} */ (error).code ?? 'response'}`));
      },
    );
    req.on('error', (error) => resolve(`error:${/** @type {NodeJS.ErrnoException} */ (error).code ?? 'request'}`));
    req.end(body);
  });
}

/**
 * @param {number[]} sorted
 * @param {number} q
 */
function percentile(sorted, q) {
  if (sorted.length === 0) return 0;
  const value = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return Math.round(value * 10) / 10;
}
