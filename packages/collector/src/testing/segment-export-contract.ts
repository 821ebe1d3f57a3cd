import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollector } from '../collector.js';
import type { SegmentPerson } from '../segments/segment-result.js';
import type { EventRow, Store } from '../store/store.js';
import { createRecordingLogger } from './collector-fixture.js';
import { parseCsv } from './parse-csv.js';
import { row } from './store-rows.js';

const TOKEN = 'admin-secret';
const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);

/** People whose ids and traits hold what breaks naive CSV: separators, quotes, line breaks, unicode, formulas. */
const AWKWARD: { userId: string | null; anonymousIds: string[]; traits: Record<string, unknown> }[] = [
  {
    userId: 'plain, with comma',
    anonymousIds: ['anon with space', 'anon,two "q"'],
    traits: {
      note: 'a, b',
      quote: 'say "hi"',
      lines: 'line1\nline2\r\nline3\rend',
      unicode: 'Zoë ☕ 😀 中文 עברית',
      formula: '=HYPERLINK("http://evil.example","x")',
      plus: '+1',
      minus: '-abc',
      at: '@SUM(A1)',
      nested: { list: [1, 'two, "2"'] },
    },
  },
  { userId: '=cmd|\' /C calc\'!A0', anonymousIds: ['-anon'], traits: { plan: 'pro' } },
  { userId: '-abc', anonymousIds: ['a-1'], traits: {} },
  { userId: '+33612345678', anonymousIds: ['a-2'], traits: { phone: '+33 6 12 34 56 78' } },
  { userId: '@handle', anonymousIds: ['a-3'], traits: { tab: '\tstarts with a tab' } },
  { userId: 'quote"d\nnew line ünï', anonymousIds: ['a 4'], traits: { empty: '' } },
  { userId: null, anonymousIds: ['never signed in, "anon"'], traits: {} },
];

/** The user_id cell as the CSV export writes it: OWASP's formula defusing (docs/admin-api.md). */
const defused = (userId: string | null) => (userId === null ? '' : /^[=+\-@\t\r]/.test(userId) ? `'${userId}` : userId);

/**
 * A stored segment's CSV and NDJSON exports, for any store: every cell of awkward people read
 * back through a strict RFC 4180 reader, and a 20,000-person export that streams page by page.
 */
export function describeSegmentExportContract(name: string, openEmpty: () => Promise<Store>): void {
  describe(`${name}: segment exports`, { timeout: 120_000 }, () => {
    let store: Store;
    let app: ReturnType<typeof createCollector>;
    const pages: number[] = [];
    const call = (method: string, path: string, body?: unknown) =>
      app.request(path, { method, headers: { authorization: `Bearer ${TOKEN}` }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    beforeAll(async () => {
      store = await openEmpty();
      const counted: Store = {
        ...store,
        readPeople: (ids: string[]) => {
          pages.push(ids.length);
          return (store.readPeople as NonNullable<Store['readPeople']>)(ids);
        },
      };
      app = createCollector({ sources: [{ name: 'default', writeKey: 'wk' }], store: counted, adminToken: TOKEN, now: () => NOW, logger: createRecordingLogger().logger });
    }, 60_000);
    afterAll(async () => {
      await store?.close();
    });

    it('exports awkward ids and traits so that every CSV cell reads back (user_id defused as documented) and NDJSON is lossless', async () => {
      const time = (minutes: number) => new Date(NOW - 3_600_000 + minutes * 60_000).toISOString();
      const batch = AWKWARD.flatMap((person, i) => [
        ...person.anonymousIds.flatMap((anonymousId, j) => [
          { type: 'track', event: 'Export Checked', messageId: `ex-${i}-${j}`, anonymousId, timestamp: time(i) },
          ...(person.userId === null ? [] : [{ type: 'identify', messageId: `id-${i}-${j}`, anonymousId, userId: person.userId, traits: person.traits, timestamp: time(i) }]),
        ]),
      ]);
      const ingest = await app.request('/v1/batch', { method: 'POST', body: JSON.stringify({ writeKey: 'wk', batch }) });
      expect(await ingest.json()).toMatchObject({ accepted: batch.length, rejected: [] });
      expect((await call('PUT', '/admin/api/segments/awkward', { did: 'Export Checked', within: 'P1D' })).status).toBe(201);

      const expected = AWKWARD.map((person) => ({ ...person, anonymousIds: [...person.anonymousIds].sort() }));
      const ndjson = await call('GET', '/admin/api/segments/awkward/people?format=ndjson');
      expect(ndjson.headers.get('content-type')).toContain('application/x-ndjson');
      const lines = (await ndjson.text()).split('\n');
      expect(lines.pop()).toBe('');
      const people = lines.map((line) => JSON.parse(line) as SegmentPerson);
      const byFirstId = (list: { anonymousIds: string[] }[]) => [...list].sort((a, b) => String(a.anonymousIds[0]).localeCompare(String(b.anonymousIds[0])));
      expect(byFirstId(people.map(({ userId, anonymousIds, traits }) => ({ userId, anonymousIds, traits })))).toEqual(byFirstId(expected));

      const csv = await call('GET', '/admin/api/segments/awkward/people?format=csv');
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const [header, ...records] = parseCsv(await csv.text());
      expect(header).toEqual(['user_id', 'anonymous_ids', 'first_seen', 'last_seen', 'traits']);
      // The same people in the same order as the NDJSON export, every cell equal to its value.
      expect(records).toEqual(people.map((person) => [defused(person.userId), JSON.stringify(person.anonymousIds), person.firstSeen, person.lastSeen, JSON.stringify(person.traits)]));
      expect(records.map((record) => JSON.parse(record[1] as string) as string[])).toEqual(people.map((person) => person.anonymousIds));
      expect(records.map((record) => JSON.parse(record[4] as string) as unknown)).toEqual(people.map((person) => person.traits));
    });

    it('streams a 20,000-person export page by page, complete and in order', async () => {
      const count = 20_000;
      const at = (i: number) => new Date(NOW - 3_600_000 + i * 100).toISOString();
      for (let start = 0; start < count; start += 2_000) {
        const events: EventRow[] = Array.from({ length: 2_000 }, (_, k) => {
          const i = start + k;
          return row(`bulk-${i}`, { event: 'Bulk Seen', anonymousId: `bulk-anon-${i}`, timestamp: at(i), originalTimestamp: at(i), raw: JSON.stringify({ type: 'track', event: 'Bulk Seen' }) });
        });
        await store.write({ events, quarantined: [] });
      }
      expect((await call('PUT', '/admin/api/segments/bulk', { did: 'Bulk Seen', within: 'P1D' })).status).toBe(201);
      for (const format of ['ndjson', 'csv'] as const) {
        pages.length = 0;
        const response = await call('GET', `/admin/api/segments/bulk/people?format=${format}`);
        const reader = (response.body as ReadableStream<Uint8Array>).getReader();
        const decoder = new TextDecoder();
        let text = '';
        let chunks = 0;
        for (let part = await reader.read(); !part.done; part = await reader.read()) {
          chunks++;
          text += decoder.decode(part.value, { stream: true });
        }
        // One read of at most a page of people per chunk of the body, not one string of everyone.
        expect(chunks).toBeGreaterThanOrEqual(count / 1000);
        expect(Math.max(...pages)).toBeLessThanOrEqual(1000);
        const ids =
          format === 'ndjson'
            ? text.trim().split('\n').map((line) => (JSON.parse(line) as SegmentPerson).anonymousIds[0])
            : parseCsv(text).slice(1).map((record) => (JSON.parse(record[1] as string) as string[])[0]);
        // Latest seen first: bulk-anon-19999 … bulk-anon-0, each once.
        expect(ids).toEqual(Array.from({ length: count }, (_, i) => `bulk-anon-${count - 1 - i}`));
      }
    });
  });
}
