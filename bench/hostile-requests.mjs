// Hostile requests within (and just past) the collector's limits, fired at a running collector
// process: what each costs in peak resident memory (VmHWM, reset through /proc/PID/clear_refs)
// and what /healthz latency is while they run. Used by the `collector-hostile`
// bench and by test/collector-hostile-requests.test.ts, so both measure the same thing.
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

// Literal values, not imports: this file runs without a build (the test and the bench both
// check them against the collector's answers: 200 within, 413 past).
const MAX_BATCH_ITEMS = 2_500;
const MAX_REQUEST_BYTES = 500 * 1024;
const MAX_REQUEST_OBJECTS = 50_000;

/**
 * @typedef {object} HostileBody
 * @property {string} name
 * @property {Buffer} body What is sent (gzip for the bomb).
 * @property {Record<string, string>} headers
 * @property {number} status The status the collector must answer.
 */

/**
 * The hostile bodies: each at most MAX_REQUEST_BYTES, so every one is within the byte limit.
 *
 * @param {string} writeKey
 * @returns {HostileBody[]}
 */
export function hostileBodies(writeKey) {
  const head = `{"writeKey":${JSON.stringify(writeKey)},"sentAt":"2026-01-01T00:00:00Z","batch":[`;
  /** @param {number} count @param {(i: number, room: number) => string} item */
  const batch = (count, item) => {
    const room = Math.floor((MAX_REQUEST_BYTES - head.length - 2) / count) - 1;
    return `${head}${Array.from({ length: count }, (_, i) => item(i, room)).join(',')}]}`;
  };
  /** @param {string} text @param {number} room */
  const pad = (text, room) => text.replace('PAD', 'x'.repeat(Math.max(0, room - text.length + 3)));
  const run = Date.now().toString(36);
  /** @type {Array<[string, string, number]>} */
  const plain = [
    // Fills a whole request with the largest items that fit: every one rejected (not objects).
    ['2,500 strings (not objects)', batch(MAX_BATCH_ITEMS, (_, room) => pad('"PAD"', room)), 200],
    ['2,500 numbers (not objects)', batch(MAX_BATCH_ITEMS, () => '0'), 200],
    // 2,500 quarantine rows and 2,500 rejections (the response lists 100).
    ['2,500 invalid events', batch(MAX_BATCH_ITEMS, (i, room) => pad(`{"type":"bogus","messageId":"${run}-bad-${i}","p":"PAD"}`, room)), 200],
    // 2,500 stored rows: a fresh messageId per round, or they would only be duplicates.
    ['2,500 valid events', batch(MAX_BATCH_ITEMS, (i, room) => pad(`{"type":"track","event":"E","messageId":"${run}-ok-${i}-ROUND","properties":{"p":"PAD"}}`, room)), 200],
    // The most objects a request may hold, as stored events (each just under the event limit)…
    ['15 events of 3,300 empty objects', batch(15, (i) => `{"type":"track","event":"E","messageId":"${run}-obj-${i}-ROUND","properties":{"a":[${'{},'.repeat(3_299)}{}]}}`), 200],
    // …and as one event over the event limit (quarantined), with no messageId (derived).
    ['one event of 49,000 empty objects', `${head}{"type":"track","event":"E","properties":{"a":[${'{},'.repeat(MAX_REQUEST_OBJECTS - 1_000)}{}]}}]}`, 200],
    // The most objects JSON.parse could be made to build from 500 KiB: refused before parsing.
    ['170,000 empty objects', `${head}{"type":"track","event":"E","properties":{"a":[${'{},'.repeat(Math.floor((MAX_REQUEST_BYTES - head.length - 64) / 3))}{}]}}]}`, 413],
    // Past the item limit: refused before JSON.parse.
    ['250,000 zeros', `${head}${'0,'.repeat(Math.floor((MAX_REQUEST_BYTES - head.length - 3) / 2))}0]}`, 413],
    ['2,501 empty objects', batch(MAX_BATCH_ITEMS + 1, () => '{}'), 413],
    // A request-level text the collector copied onto each of 2,500 quarantine rows (761 MB
    // written from 176 KB): a sentAt that is no client time is ignored, not stored. The items
    // fill the rest of the request (2,500 tiny rejected items cost ~1.4 KB of peak RSS each,
    // past 10 × a 176 KB body: see the memory test).
    ['2,500 rejected items under a 150,000-character sentAt', sentAtBody(writeKey, (i, room) => pad(`{"a":"ROUND-${i}","p":"PAD"}`, room)), 200],
  ];
  /** @type {HostileBody[]} */
  const bodies = plain.map(([name, text, status]) => {
    const body = Buffer.from(text);
    if (body.length > MAX_REQUEST_BYTES) throw new Error(`${name}: ${body.length} B is over the request limit`);
    return { name, body, headers: { 'content-type': 'text/plain' }, status };
  });
  // A gzip bomb: 500 KiB inflated from ~1 KiB, refused for its item count.
  bodies.push({
    name: 'gzip of 250,000 zeros',
    body: gzipSync(/** @type {HostileBody} */ (bodies.find((b) => b.name === '250,000 zeros')).body, { level: 9 }),
    headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' },
    status: 413,
  });
  return bodies;
}

/**
 * A batch of MAX_BATCH_ITEMS items, filling the request, whose `sentAt` is 150,000 characters.
 *
 * @param {string} writeKey
 * @param {(i: number, room: number) => string} item
 */
function sentAtBody(writeKey, item) {
  const head = `{"writeKey":${JSON.stringify(writeKey)},"sentAt":"${'x'.repeat(150_000)}","batch":[`;
  const room = Math.floor((MAX_REQUEST_BYTES - head.length - 2) / MAX_BATCH_ITEMS) - 1;
  return `${head}${Array.from({ length: MAX_BATCH_ITEMS }, (_, i) => item(i, room)).join(',')}]}`;
}

/**
 * JSON objects and arrays in a hostile body: its `{` and `[` (none of the bodies has them
 * inside strings).
 *
 * @param {Buffer} body
 */
function countOpenings(body) {
  let count = 0;
  for (const byte of body) if (byte === 0x7b || byte === 0x5b) count++;
  return count;
}

/** Bytes of peak RSS a request may add per JSON object or array it holds (see memoryBound). */
export const OBJECT_BYTES = 100;

/**
 * The most peak RSS one request within the limits may add: 10 × its size (at least 256 KiB:
 * RSS moves by a few MB on its own), plus OBJECT_BYTES for each JSON object or array in it.
 * JSON.parse builds each `{}` as a heap object of its own (~40–60 B in V8, plus its array
 * slot), so a body of small objects costs more than 10 × its bytes whatever the collector
 * does; the request limit bounds them (MAX_REQUEST_OBJECTS), and so this bound.
 *
 * @param {{ bytes: number, objects: number }} body
 * @example
 * memoryBound({ bytes: 147_121, objects: 49_003 }) // 2,621,440 + 4,900,300
 */
export const memoryBound = ({ bytes, objects }) => 10 * Math.max(bytes, 256 * 1024) + OBJECT_BYTES * objects;

/** @param {number} pid */
export function readRssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (/** @type {string} */ field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/**
 * Bytes the process has passed to write(2) and its kin so far (`wchar` of /proc/PID/io: disk
 * and WAL writes, sockets and pipes too), so a request's writes are the difference around it.
 *
 * @param {number} pid
 */
export function readWrittenBytes(pid) {
  return Number(/wchar:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? Number.NaN);
}

/**
 * The most bytes one request within the limits may make the collector write (database, WAL,
 * response, log): 40 × its size, at least 16 MiB (a WAL checkpoint copies up to ~4 MB of pages
 * into the database during whichever request triggers it). A stored copy per row of a
 * request-level field (a 150,000-character `sentAt` on 2,500 rows: 761 MB) is far past it.
 *
 * @param {{ bytes: number }} body
 */
export const writeBound = ({ bytes }) => Math.max(40 * bytes, 16 * 1024 * 1024);

/**
 * Resets the process's peak resident memory (VmHWM) to its current RSS (Linux ≥ 4.0, same user).
 *
 * @param {number} pid
 */
export function resetPeakRss(pid) {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/**
 * @typedef {object} HostileRun
 * @property {{ name: string, bytes: number, objects: number, growth: number[], written: number[] }[]} memory Per body:
 *   its inflated size, its JSON objects and arrays, and, for each time it was sent alone, how
 *   far peak RSS rose above the RSS before it and how many bytes the collector wrote (readWrittenBytes).
 * @property {number[]} probesMs Each /healthz round trip while bodies were sent `concurrency` at a time.
 * @property {number[]} idleProbesMs /healthz round trips of the idle collector just before (the machine's own noise).
 * @property {string[]} failures Answers that were not the expected status.
 * @property {number} requests Hostile requests sent (warm-up excluded).
 */

/**
 * Warms the collector up with `warmupRounds` rounds of every body (so its heap and caches are
 * at their working size). Then, memory: each body `samples` times alone, the peak RSS reset
 * before each. Then, latency: `rounds` rounds of every body (more until the prober has taken
 * `minProbes` round trips), `concurrency` at a time, while a prober asks /healthz every
 * `probeEveryMs` (one probe at a time).
 *
 * @param {{ url: string, pid: number, writeKey: string, rounds?: number, warmupRounds?: number, samples?: number, concurrency?: number, probeEveryMs?: number, minProbes?: number }} options
 * @returns {Promise<HostileRun>}
 */
export async function runHostileLoad({ url, pid, writeKey, rounds = 3, warmupRounds = 2, samples = 3, concurrency = 2, probeEveryMs = 25, minProbes = 12 }) {
  const bodies = hostileBodies(writeKey);
  /** @type {string[]} */
  const failures = [];
  let round = 0;
  /** @param {HostileBody} hostile */
  const send = async (hostile) => {
    // Stored events get fresh ids each round (else only duplicates after the first).
    const body = hostile.body.includes('ROUND') ? Buffer.from(hostile.body.toString().replaceAll('ROUND', String(round))) : hostile.body;
    const res = await fetch(`${url}/v1/batch`, { method: 'POST', headers: hostile.headers, body: new Uint8Array(body) });
    await res.arrayBuffer();
    if (res.status !== hostile.status) failures.push(`${hostile.name}: ${res.status}, expected ${hostile.status}`);
  };
  const pause = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

  for (round = -warmupRounds; round < 0; round++) for (const hostile of bodies) await send(hostile);
  let requests = 0;

  /** @type {HostileRun['memory']} */
  const memory = bodies.map((hostile) => ({
    name: hostile.name,
    bytes: hostile.headers['content-encoding'] ? MAX_REQUEST_BYTES : hostile.body.length,
    // The gzip bomb inflates to zeros: no JSON objects or arrays beyond its envelope's.
    objects: hostile.headers['content-encoding'] ? 2 : countOpenings(hostile.body),
    growth: [],
    written: [],
  }));
  for (round = 1; round <= samples; round++) {
    for (const [i, hostile] of bodies.entries()) {
      await pause(50);
      const before = readRssBytes(pid).rss;
      resetPeakRss(pid);
      const writtenBefore = readWrittenBytes(pid);
      await send(hostile);
      requests++;
      memory[i]?.growth.push(readRssBytes(pid).peak - before);
      memory[i]?.written.push(readWrittenBytes(pid) - writtenBefore);
    }
  }

  /** @type {number[]} */
  const idleProbesMs = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    await (await fetch(`${url}/healthz`)).arrayBuffer();
    idleProbesMs.push(performance.now() - started);
    await pause(probeEveryMs);
  }
  /** @type {number[]} */
  const probesMs = [];
  let done = false;
  const prober = (async () => {
    while (!done) {
      const started = performance.now();
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      probesMs.push(performance.now() - started);
      if (res.status !== 200) failures.push(`/healthz: ${res.status}`);
      await pause(probeEveryMs);
    }
  })();
  try {
    // At least `rounds`, and more (up to 4 × rounds) until the prober has `minProbes` round
    // trips: on a fast machine the rounds can end before enough probes were taken to judge.
    for (round = samples + 1; round <= samples + rounds || (probesMs.length < minProbes && round <= samples + 4 * rounds); round++) {
      const queue = [...bodies];
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let hostile = queue.shift(); hostile; hostile = queue.shift()) {
            await send(hostile);
            requests++;
          }
        }),
      );
    }
  } finally {
    done = true;
    await prober;
  }
  return { memory, probesMs, idleProbesMs, failures, requests };
}

/**
 * The p-th percentile (0–100) of `values`, nearest rank.
 *
 * @param {number[]} values
 * @param {number} p
 */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
