import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES, type ErrorBody } from '@cairn/protocol';
import { createTestCollector, TEST_WRITE_KEY, type TestCollector } from '../testing/collector-fixture.js';

let t: TestCollector;
afterEach(async () => {
  await t.dispose();
});

const event = { type: 'track', event: 'Zipped', messageId: 'z1', timestamp: '2024-06-01T12:00:00Z' };
const batchText = JSON.stringify({ writeKey: TEST_WRITE_KEY, batch: [event] });
/** A body of `bytes` bytes that is valid JSON, so only its size can fail it. */
const paddedBody = (bytes: number) => {
  const head = `{"writeKey":"${TEST_WRITE_KEY}","batch":[],"pad":"`;
  return `${head}${'a'.repeat(bytes - head.length - 2)}"}`;
};

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as ErrorBody).error.code;
}

/** A request body stream of `chunks` × 64 KiB with no Content-Length; counts what was pulled. */
function endlessBody(chunks: number) {
  const state = { pulled: 0 };
  const chunk = new TextEncoder().encode('a'.repeat(64 * 1024));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled === chunks) return controller.close();
      state.pulled++;
      controller.enqueue(chunk);
    },
  });
  return { stream, state };
}

describe('request size', () => {
  it('accepts a body of exactly the limit', async () => {
    t = createTestCollector();
    const res = await t.post('/v1/batch', paddedBody(MAX_REQUEST_BYTES));
    expect(res.status).toBe(200);
  });

  it('answers 413 one byte over the limit', async () => {
    t = createTestCollector();
    const res = await t.post('/v1/batch', paddedBody(MAX_REQUEST_BYTES + 1));
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe('payload_too_large');
  });

  it('answers 413 from a Content-Length already over the limit', async () => {
    t = createTestCollector();
    const res = await t.post('/v1/batch', batchText, { headers: { 'content-length': String(MAX_REQUEST_BYTES + 1) } });
    expect(res.status).toBe(413);
  });

  it('stops reading a body without Content-Length once it passes the limit', async () => {
    t = createTestCollector();
    const { stream, state } = endlessBody(10_000); // 640 MB if read to the end
    const request = new Request('http://collector.test/v1/batch', {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'text/plain' },
      duplex: 'half',
    } as RequestInit);
    expect(request.headers.get('content-length')).toBeNull();
    const res = await t.app.request(request);
    expect(res.status).toBe(413);
    expect(state.pulled).toBeLessThan(20);
  });
});

describe('gzip', () => {
  it('inflates a body sent with Content-Encoding: gzip', async () => {
    t = createTestCollector();
    const res = await t.post('/v1/batch', new Uint8Array(gzipSync(batchText)), { headers: { 'content-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(t.rows('SELECT raw FROM events')).toEqual([{ raw: JSON.stringify(event) }]);
  });

  it('recognises gzip by its magic bytes when the header is missing', async () => {
    t = createTestCollector();
    const res = await t.post('/v1/batch', new Uint8Array(gzipSync(batchText)));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 1 });
  });

  it('answers 413 for a gzip bomb whose inflated size is over the limit', async () => {
    t = createTestCollector();
    const bomb = new Uint8Array(gzipSync(paddedBody(50 * 1024 * 1024)));
    expect(bomb.byteLength).toBeLessThan(MAX_REQUEST_BYTES / 4);
    const res = await t.post('/v1/batch', bomb, { headers: { 'content-encoding': 'gzip' } });
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe('payload_too_large');
  });

  it('answers 400 for a body that claims gzip but is not', async () => {
    t = createTestCollector();
    const res = await t.post('/v1/batch', batchText, { headers: { 'content-encoding': 'gzip' } });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('invalid_json');
  });

  it('answers 400 for a truncated gzip body', async () => {
    t = createTestCollector();
    const zipped = new Uint8Array(gzipSync(batchText));
    const res = await t.post('/v1/batch', zipped.slice(0, zipped.length - 10));
    expect(res.status).toBe(400);
  });

  it('answers 415 for an encoding it does not inflate', async () => {
    t = createTestCollector();
    const res = await t.post('/v1/batch', batchText, { headers: { 'content-encoding': 'br' } });
    expect(res.status).toBe(415);
    expect(await errorCode(res)).toBe('unsupported_encoding');
  });
});

describe('not JSON / not a batch', () => {
  it.each([
    ['an empty body', '', 'invalid_json'],
    ['plain text', 'hello', 'invalid_json'],
    ['truncated JSON', batchText.slice(0, -3), 'invalid_json'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'invalid_json'],
    ['a JSON array', '[]', 'invalid_body'],
    ['a batch that is not an array', JSON.stringify({ writeKey: TEST_WRITE_KEY, batch: { 0: event } }), 'invalid_body'],
    ['an object without batch', JSON.stringify({ writeKey: TEST_WRITE_KEY }), 'invalid_body'],
  ])('answers 400 for %s', async (_label, body, code) => {
    t = createTestCollector();
    const res = await t.post('/v1/batch', body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await errorCode(res)).toBe(code);
  });

  it('skips a UTF-8 byte order mark', async () => {
    t = createTestCollector();
    const res = await t.post('/v1/batch', `\uFEFF${batchText}`);
    expect(res.status).toBe(200);
  });
});

describe('request-level text copied onto every row', () => {
  // The batch's sentAt goes onto each event and quarantine row of the request: unchecked, a
  // 150,000-character one on 2,500 rejected items wrote ~375 MB from a 176 KB body.
  const longIso = `2024-06-01T12:00:05.${'0'.repeat(1000)}Z`;
  for (const [name, sentAt] of [
    ['a 150,000-character text', 'x'.repeat(150_000)],
    ['a 1,000-digit fraction (a valid ISO time, but no clock writes it)', longIso],
  ] as const) {
    it(`keeps no batch sentAt that is ${name}: no skew correction, no row carries it`, async () => {
      t = createTestCollector();
      const batch = [
        ...Array.from({ length: 50 }, (_, i) => ({ a: i })),
        { type: 'track', event: 'Kept', messageId: 'ok-1', timestamp: '2024-06-01T12:00:00Z' },
      ];
      const res = await t.post('/v1/batch', JSON.stringify({ writeKey: TEST_WRITE_KEY, sentAt, batch }));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ accepted: 1 });
      expect(t.rows('SELECT count(*) AS n, max(length(sent_at)) AS longest FROM quarantine')).toEqual([{ n: 50, longest: null }]);
      expect(t.rows('SELECT timestamp, sent_at FROM events')).toEqual([{ timestamp: '2024-06-01T12:00:00.000Z', sent_at: null }]);
    });
  }

  it('still keeps a short batch sentAt on quarantine rows and corrects skew with it', async () => {
    t = createTestCollector();
    const batch = [{ a: 1 }, { type: 'track', event: 'Kept', messageId: 'ok-1', timestamp: '2024-06-01T09:00:00Z' }];
    await t.post('/v1/batch', JSON.stringify({ writeKey: TEST_WRITE_KEY, sentAt: '2024-06-01T09:00:05.123456789+00:00', batch }));
    expect(t.rows('SELECT sent_at FROM quarantine')).toEqual([{ sent_at: '2024-06-01T09:00:05.123456789+00:00' }]);
    expect(t.rows('SELECT timestamp FROM events')).toEqual([{ timestamp: '2024-06-01T12:00:04.877Z' }]);
  });
});
