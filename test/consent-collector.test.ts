// Issue #4 proofs 6 and 7 against the real collector CLI: a forged event whose consent denies
// its category is refused with consent_denied and not stored; erasure by userId removes that
// user's rows and no one else's. Rows read from the collector's SQLite file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchResponse } from '@cairn/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type CollectorProcess } from '../scripts/collector-process.mjs';
import { openEventsDb, type EventsDb } from './helpers/events-db.js';

const WRITE_KEY = 'consent-collector-key';
const ADMIN_TOKEN = 'consent-collector-admin-0123456789';

let dir: string;
let collector: CollectorProcess;
let db: EventsDb;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-consent-collector-'));
  collector = await startCollector({
    args: ['--port', '0', '--db', join(dir, 'cairn.db'), '--write-key', WRITE_KEY, '--admin-token', ADMIN_TOKEN],
  });
  db = openEventsDb(join(dir, 'cairn.db'));
});
afterAll(async () => {
  db?.close();
  await collector?.stop();
  await rm(dir, { recursive: true, force: true });
});

const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(collector.url + path, { method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as unknown };
};

const event = (messageId: string, who: { userId?: string; anonymousId: string }, categoryPreferences?: Record<string, boolean>) => ({
  type: 'track',
  event: 'Product Viewed',
  messageId,
  timestamp: new Date().toISOString(),
  ...who,
  properties: { sku: 'RC-1' },
  context: categoryPreferences ? { consent: { categoryPreferences } } : {},
});

describe('consent at the collector', () => {
  it('6. refuses a hand-made event whose consent denies its category: consent_denied, nothing stored but a contentless quarantine row', async () => {
    const forged = event('forged-1', { userId: 'victim', anonymousId: 'anon-victim' }, { necessary: true, analytics: false, marketing: true });
    const honest = event('honest-1', { anonymousId: 'anon-2' }, { necessary: true, analytics: true, marketing: false });
    const { status, json } = await post('/v1/batch', { writeKey: WRITE_KEY, sentAt: new Date().toISOString(), batch: [forged, honest] });
    expect(status).toBe(200);
    const answer = json as BatchResponse;
    expect(answer.accepted).toBe(1);
    expect(answer.rejected).toEqual([
      { messageId: 'forged-1', index: 0, code: 'consent_denied', message: expect.stringContaining('"analytics"') },
    ]);
    const ids = db.events().map((row) => row.message_id);
    expect(ids).toContain('honest-1');
    expect(ids).not.toContain('forged-1');
    const quarantined = db.quarantine().filter((row) => row.message_id === 'forged-1');
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]?.code).toBe('consent_denied');
    expect(quarantined[0]?.raw).not.toMatch(/victim|RC-1/);
    // Counted on the metrics.
    const metrics = await (await fetch(collector.url + '/metrics')).text();
    expect(metrics).toContain('cairn_consent_denied_total{category="analytics",source="default"} 1');
  });

  it('7. erases every row of one userId, and no one else’s', async () => {
    const batch = [
      event('alice-1', { userId: 'alice', anonymousId: 'anon-alice' }),
      event('alice-2', { userId: 'alice', anonymousId: 'anon-alice-phone' }),
      event('bob-1', { userId: 'bob', anonymousId: 'anon-bob' }),
      // Bob's anonymous id happens to look like Alice's user id: still Bob's.
      event('bob-2', { anonymousId: 'alice' }),
      event('carol-1', { anonymousId: 'anon-carol' }),
    ];
    expect((await post('/v1/batch', { writeKey: WRITE_KEY, batch })).json).toMatchObject({ accepted: 5 });
    const before = db.events().map((row) => row.message_id);

    const unauthorized = await post('/admin/erase', { userId: 'alice' }, { authorization: 'Bearer wrong' });
    expect(unauthorized.status).toBe(401);
    const erased = await post('/admin/erase', { userId: 'alice' }, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(erased).toEqual({ status: 200, json: { erased: { events: 2, quarantine: 0 } } });

    const after = db.events().map((row) => row.message_id);
    expect(after.sort()).toEqual(before.filter((id) => !id.startsWith('alice-')).sort());
    expect(db.events().some((row) => row.user_id === 'alice')).toBe(false);
    expect(after).toEqual(expect.arrayContaining(['bob-1', 'bob-2', 'carol-1', 'honest-1']));
    // The log line says how many, never whom.
    const line = collector.logs.find((entry) => entry.msg === 'erasure');
    expect(line).toMatchObject({ by: 'userId', events: 2 });
    expect(JSON.stringify(line)).not.toContain('alice');
  });
});
