import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/store.js';
import { bad, row } from './store-rows.js';

/**
 * One quarantined raw per way an id can be written that a reader of the JSON text may miss,
 * with who must be able to erase it. Each raw is the event's JSON text exactly as received.
 */
export const ERASURE_CORPUS: readonly { case: string; raw: string; erasedBy: { userId?: string; anonymousId?: string }[] }[] = [
  { case: 'escaped solidus', raw: '{"type":"track","userId":"user\\/1"}', erasedBy: [{ userId: 'user/1' }] },
  { case: 'unicode escape', raw: '{"type":"track","userId":"\\u00e9mile"}', erasedBy: [{ userId: 'émile' }] },
  { case: 'number userId', raw: '{"type":"track","userId":42}', erasedBy: [{ userId: '42' }] },
  { case: 'number anonymousId in exponent form', raw: '{"anonymousId":4.2e1,"type":"track"}', erasedBy: [{ anonymousId: '42' }] },
  // JavaScript (the collector) reads the last of repeated keys, SQLite's json_extract the first.
  { case: 'repeated key', raw: '{"userId":"dup-first","type":"track","userId":"dup-last"}', erasedBy: [{ userId: 'dup-first' }, { userId: 'dup-last' }] },
  { case: 'previousId of an alias', raw: '{"type":"alias","previousId":"anon-old","userId":"u-new"}', erasedBy: [{ anonymousId: 'anon-old' }, { userId: 'anon-old' }, { userId: 'u-new' }] },
  { case: 'escaped key name', raw: '{"type":"track","user\\u0049d":"keyed"}', erasedBy: [{ userId: 'keyed' }] },
  { case: 'whitespace and nesting before the id', raw: '{ "context" : {"a":[1,{"b":"}"}]} ,\n "anonymousId" : "spaced" }', erasedBy: [{ anonymousId: 'spaced' }] },
  // Ids below the top level: a reader of the event (a person, a replay after a fix, another
  // parser) finds them there too. Erasure by either id reaches them.
  {
    case: 'double-encoded event string in a batch',
    raw: '["{\\"type\\":\\"track\\",\\"userId\\":\\"bob\\"}",0]',
    erasedBy: [{ userId: 'bob' }, { anonymousId: 'bob' }],
  },
  { case: 'double-encoded event kept alone', raw: '"{\\"anonymousId\\":\\"bob-anon\\"}"', erasedBy: [{ anonymousId: 'bob-anon' }] },
  { case: 'event wrapped in an array', raw: '[[{"userId":"alice","type":"track"}]]', erasedBy: [{ userId: 'alice' }] },
  { case: 'id as an object', raw: '{"type":"track","userId":{"id":"carol"}}', erasedBy: [{ userId: 'carol' }] },
  { case: 'id in an array', raw: '{"type":"track","userId":["dave"]}', erasedBy: [{ userId: 'dave' }, { anonymousId: 'dave' }] },
  { case: 'snake_case key in the context', raw: '{"type":"track","context":{"traits":{"anonymous_id":"erin"}}}', erasedBy: [{ anonymousId: 'erin' }] },
  { case: 'repeated nested key', raw: '{"type":"track","properties":{"userId":"frank-1","userId":"frank-2"}}', erasedBy: [{ userId: 'frank-1' }, { userId: 'frank-2' }] },
  { case: 'number id deep in a batch of non-objects', raw: '[1,{"a":[{"previousId":7.0}]}]', erasedBy: [{ anonymousId: '7' }] },
];

/** Quarantined raws that hold look-alikes of the corpus's ids and must survive every erasure above. */
export const ERASURE_SURVIVORS: readonly string[] = [
  '{"type":"track","userId":"user/10"}',
  // The corpus's ids as values of keys that are no id keys, and as text inside other strings.
  '{"type":"track","properties":{"user":"user/1","note":"spaced","users":["carol"],"userIds":"dave","id":"alice"}}',
  '["{\\"user\\":\\"bob\\"}","bob-anon said hi",{"userId_old":"erin"}]',
  '"not JSON: {\\"userId\\":\\"frank-1\\""',
  '{"type":"track","userId":"42.5","anonymousId":"4"}',
  '{"type":"track","userId":"dup-first-not"}',
  'not json "userId":"keyed"',
];

/**
 * The quarantine rules every store shares: erasure reaches every quarantined row of the subject
 * (and alias events by previousId), a resend does not add its rejected rows again, retention
 * covers the quarantine, and the request's sentAt is kept for replay.
 */
export function describeQuarantineContract(name: string, openEmpty: () => Promise<Store>): void {
  describe(`${name} store contract: quarantine and erasure`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await openEmpty();
    });
    afterEach(async () => {
      await store.close();
    });

    const quarantineRaws = async () => (await store.readQuarantine({ limit: 1000 })).map((r) => r.raw);

    for (const entry of ERASURE_CORPUS) {
      for (const subject of entry.erasedBy) {
        it(`erases a quarantined event by its id written as ${entry.case} (${JSON.stringify(subject)})`, async () => {
          await store.write({
            events: [],
            quarantined: [bad('target', { raw: entry.raw }), ...ERASURE_SURVIVORS.map((raw, i) => bad(`survivor-${i}`, { raw }))],
          });
          expect(await store.erase(subject)).toEqual({ events: 0, quarantine: 1 });
          expect(await quarantineRaws()).toEqual(ERASURE_SURVIVORS);
        });
      }
    }

    it('erases an alias event by its previousId, and events by either id of the subject only', async () => {
      await store.write({
        events: [
          row('alias', { type: 'alias', event: null, userId: 'u-new', anonymousId: null, previousId: 'anon-old' }),
          row('before', { anonymousId: 'anon-old' }),
          row('other', { userId: 'u-other', anonymousId: 'anon-other' }),
        ],
        quarantined: [],
      });
      expect(await store.erase({ anonymousId: 'anon-old' })).toEqual({ events: 2, quarantine: 0 });
      expect(await store.erase({ userId: 'anon-other' })).toEqual({ events: 0, quarantine: 0 });
      const rest = await store.write({ events: [row('other')], quarantined: [] });
      expect(rest).toEqual({ inserted: [], duplicates: ['other'] }); // u-other's row is still there
    });

    it('erases and counts across days (PostgreSQL: one statement per day partition)', async () => {
      const days = ['2024-05-30', '2024-05-31', '2024-06-01'];
      await store.write({
        events: days.flatMap((day, i) => [
          row(`mine-${i}`, { userId: 'u-days', receivedAt: `${day}T23:59:59.999Z` }),
          row(`other-${i}`, { userId: 'u-other', receivedAt: `${day}T00:00:00.000Z` }),
        ]),
        quarantined: [],
      });
      expect((await store.stats()).events).toEqual([{ source: 'default', type: 'track', event: 'Product Added', count: 6 }]);
      expect(await store.erase({ userId: 'u-days' })).toEqual({ events: 3, quarantine: 0 });
      expect((await store.stats()).events).toEqual([{ source: 'default', type: 'track', event: 'Product Added', count: 3 }]);
    });

    it('limits an erasure to one source when asked', async () => {
      await store.write({
        events: [row('a', { userId: 'u1' }), row('b', { source: 'shop', userId: 'u1' })],
        quarantined: [bad('qa', { raw: '{"userId":"u1"}' }), bad('qb', { source: 'shop', raw: '{"userId":"u1"}' })],
      });
      expect(await store.erase({ userId: 'u1', source: 'shop' })).toEqual({ events: 1, quarantine: 1 });
      expect((await store.readQuarantine({ limit: 10 })).map((r) => r.messageId)).toEqual(['qa']);
    });

    it('quarantines a resent rejected event once: by (source, messageId), else by its content', async () => {
      const first = [bad('m1'), bad('m1'), bad('m1', { source: 'shop' }), bad('', { messageId: null, raw: '[1]' })];
      await store.write({ events: [], quarantined: first });
      // A resend of the whole batch, later, with another reason: nothing new.
      await store.write({
        events: [],
        quarantined: [bad('m1', { reason: 'again', receivedAt: '2024-06-02T00:00:00.000Z' }), bad('', { messageId: null, raw: '[1]' })],
      });
      // Another content without a messageId is another row.
      await store.write({ events: [], quarantined: [bad('', { messageId: null, raw: '[2]' }), bad('', { messageId: null, source: null, raw: '[2]' })] });
      await store.write({ events: [], quarantined: [bad('', { messageId: null, source: null, raw: '[2]' })] });
      const rows = await store.readQuarantine({ limit: 10 });
      expect(rows.map((r) => [r.source, r.messageId, r.raw, r.reason])).toEqual([
        ['default', 'm1', '{"userId":"u-m1"}', 'bad type'],
        ['shop', 'm1', '{"userId":"u-m1"}', 'bad type'],
        ['default', null, '[1]', 'bad type'],
        ['default', null, '[2]', 'bad type'],
        [null, null, '[2]', 'bad type'],
      ]);
    });

    it('keeps a different event that reuses a messageId, and a resend of each once (its own sentAt aside)', async () => {
      const first = '{"messageId":"m1","type":"bogus","sentAt":"2024-06-01T10:00:00Z"}';
      const other = '{"messageId":"m1","type":"other","writeKey":"k"}';
      await store.write({ events: [], quarantined: [bad('m1', { raw: first }), bad('m1', { raw: other })] });
      // The resend: browser libraries stamp each event's own sentAt at every attempt.
      await store.write({
        events: [],
        quarantined: [bad('m1', { raw: '{"messageId":"m1","type":"bogus","sentAt":"2024-06-01T10:05:00Z"}' }), bad('m1', { raw: other })],
      });
      expect(await quarantineRaws()).toEqual([first, other]);
    });

    it('quarantines a rejected event again once its first row was replayed away', async () => {
      await store.write({ events: [], quarantined: [bad('m1')] });
      const [stored] = await store.readQuarantine({ limit: 1 });
      await store.replay({ events: [], resolvedIds: [stored?.id ?? -1] });
      await store.write({ events: [], quarantined: [bad('m1')] });
      expect((await store.readQuarantine({ limit: 10 })).map((r) => r.messageId)).toEqual(['m1']);
    });

    it('deletes quarantine rows received before the retention cutoff too', async () => {
      await store.write({
        events: [row('old', { receivedAt: '2024-01-01T00:00:00.000Z' })],
        quarantined: [
          bad('q-old', { receivedAt: '2024-01-01T00:00:00.000Z' }),
          bad('q-new', { receivedAt: '2024-03-01T00:00:00.000Z' }),
        ],
      });
      expect(await store.deleteOlderThan('2024-02-01T00:00:00.000Z')).toBe(2);
      expect((await store.readQuarantine({ limit: 10 })).map((r) => r.messageId)).toEqual(['q-new']);
    });

    it('keeps the request’s sentAt with a quarantined row, for replay', async () => {
      await store.write({
        events: [],
        quarantined: [bad('q1', { sentAt: '2024-06-01T09:00:05.000Z' }), bad('q2', { sentAt: '1717232405' }), bad('q3')],
      });
      const rows = await store.readQuarantine({ limit: 10 });
      expect(rows.map((r) => r.sentAt)).toEqual(['2024-06-01T09:00:05.000Z', '1717232405', null]);
    });
  });
}
