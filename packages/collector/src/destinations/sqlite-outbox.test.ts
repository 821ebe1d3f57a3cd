import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from '../store/sqlite-migrations.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import type { EventRow } from '../store/store.js';
import type { DestinationRules } from './destination-config.js';
import type { Outbox, OutboxItem, SendOutcome } from './outbox.js';
import { createSqliteOutbox } from './sqlite-outbox.js';

// What is particular to the SQLite outbox (one row per write transaction and destination, a
// range of event rowids); outbox.test.ts holds the contract both databases keep.

const RULES: DestinationRules[] = [{ name: 'all' }, { name: 'ads', consent: 'marketing' }];
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function row(messageId: string, marketing = true): EventRow {
  return {
    source: 'web', messageId, type: 'track', event: 'A', name: null, anonymousId: null, userId: null,
    timestamp: '2026-12-06T08:00:00.000Z', originalTimestamp: null, sentAt: null, receivedAt: new Date().toISOString(),
    raw: JSON.stringify({ type: 'track', event: 'A', messageId, context: { consent: { categoryPreferences: { marketing } } } }),
  };
}

function open() {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-sqlite-outbox-'));
  dirs.push(dir);
  const path = join(dir, 'cairn.db');
  return { path, dir };
}

async function step(outbox: Outbox, destination: string, limit: number, outcome: SendOutcome = { ok: true }) {
  const sent: OutboxItem[] = [];
  const result = await outbox.step(destination, { limit, now: Date.now, deadLetterBefore: () => 0 }, async (items) => {
    sent.push(...items);
    return outcome;
  });
  return { result, ids: sent.map((item) => item.messageId) };
}

async function drain(outbox: Outbox, destination: string): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const { result, ids: sent } = await step(outbox, destination, 100);
    ids.push(...sent);
    if (result.sent === 0 && result.orphaned === 0) return ids;
  }
}

describe('SQLite outbox (rowid ranges)', () => {
  it('writes one row per write and destination, sends it in batches and dead-letters only the part a permanent refusal covered', async () => {
    const { path } = open();
    const store = createSqliteStore({ path, derived: { destinations: RULES } });
    const outbox = createSqliteOutbox({ path });
    try {
      await store.write({ events: ['e1', 'e2', 'e3', 'e4', 'e5'].map((id) => row(id, id !== 'e3')), quarantined: [] });
      const db = new Database(path, { readonly: true });
      expect(db.prepare('SELECT destination, first_event, last_event, only_events FROM deliveries ORDER BY id').all()).toEqual([
        { destination: 'all', first_event: 1, last_event: 5, only_events: null },
        { destination: 'ads', first_event: 1, last_event: 5, only_events: '[1,2,4,5]' },
      ]);
      db.close();
      expect((await step(outbox, 'all', 2)).ids).toEqual(['e1', 'e2']);
      const refused = await step(outbox, 'all', 2, { ok: false, error: 'HTTP 400', retryAt: Date.now(), permanent: true });
      expect(refused).toMatchObject({ ids: ['e3', 'e4'], result: { deadLettered: 2 } });
      expect((await outbox.counts(['all'], Date.now()))[0]).toMatchObject({ delivered: 2, pending: 1, deadLettered: 2, failed: 2 });
      expect(await drain(outbox, 'all')).toEqual(['e5']);
      expect(await outbox.replayDeadLetters('all', Date.now())).toBe(2);
      await store.write({ events: [row('e6')], quarantined: [] });
      // Replayed dead letters go before what was queued after them.
      expect(await drain(outbox, 'all')).toEqual(['e3', 'e4', 'e6']);
      expect(await drain(outbox, 'ads')).toEqual(['e1', 'e2', 'e4', 'e5', 'e6']);
      expect((await outbox.counts(['all', 'ads'], Date.now())).map((c) => [c.pending, c.deadLettered, c.delivered])).toEqual([
        [0, 0, 6],
        [0, 0, 5],
      ]);
    } finally {
      await outbox.close();
      await store.close();
    }
  });

  it('never sends a new event under an older delivery when SQLite reuses the rowid of deleted newest events', async () => {
    const { path } = open();
    const store = createSqliteStore({ path, derived: { destinations: RULES } });
    const outbox = createSqliteOutbox({ path });
    try {
      await store.write({ events: [row('granted-1'), row('granted-2')], quarantined: [] });
      // Retention (or an erasure) deletes every event: the next write gets rowid 1 again.
      await store.deleteOlderThan(new Date(Date.now() + 60_000).toISOString());
      await store.write({ events: [row('denied', false)], quarantined: [] });
      expect(await drain(outbox, 'ads')).toEqual([]);
      expect(await drain(outbox, 'all')).toEqual(['denied']);
    } finally {
      await outbox.close();
      await store.close();
    }
  });

  it('keeps the reuse guard on while rows are left, even without destinations', async () => {
    const { path } = open();
    const first = createSqliteStore({ path, derived: { destinations: RULES } });
    await first.write({ events: [row('old')], quarantined: [] });
    await first.deleteOlderThan(new Date(Date.now() + 60_000).toISOString());
    await first.close();
    // Restarted without destinations, then with them again.
    const bare = createSqliteStore({ path });
    await bare.write({ events: [row('while-off', false)], quarantined: [] });
    await bare.close();
    const store = createSqliteStore({ path, derived: { destinations: RULES } });
    const outbox = createSqliteOutbox({ path });
    try {
      expect(await drain(outbox, 'all')).toEqual([]);
      expect(await drain(outbox, 'ads')).toEqual([]);
    } finally {
      await outbox.close();
      await store.close();
    }
  });

  it('turns the per-event rows of schema v6 into one-event ranges, in order, dropping those whose event is gone', async () => {
    const { path } = open();
    const db = new Database(path);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
    for (const migration of SQLITE_MIGRATIONS.filter(({ version }) => version <= 6)) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.description, '2026-12-01T00:00:00.000Z');
    }
    const event = db.prepare(`INSERT INTO events (source, message_id, type, timestamp, received_at, raw) VALUES ('web', ?, 'track', '2026-12-06T08:00:00.000Z', '2026-12-06T08:00:00.000Z', ?)`);
    for (const id of ['v1', 'v2']) event.run(id, JSON.stringify({ type: 'track', messageId: id }));
    const delivery = db.prepare(`INSERT INTO deliveries (destination, kind, source, message_id, user_id, state, created_at, next_attempt_at)
      VALUES ('all', ?, 'web', ?, ?, ?, 1, 1)`);
    delivery.run('event', 'v2', null, 'pending');
    delivery.run('event', 'gone', null, 'pending');
    delivery.run('erase', 'cairn-erase-1', 'u1', 'pending');
    delivery.run('event', 'v1', null, 'dead');
    db.close();
    const store = createSqliteStore({ path, derived: { destinations: RULES } });
    const outbox = createSqliteOutbox({ path });
    try {
      expect((await outbox.counts(['all'], Date.now()))[0]).toMatchObject({ pending: 2, deadLettered: 1 });
      expect(await drain(outbox, 'all')).toEqual(['v2', 'cairn-erase-1']);
      await outbox.replayDeadLetters('all', Date.now());
      expect(await drain(outbox, 'all')).toEqual(['v1']);
    } finally {
      await outbox.close();
      await store.close();
    }
  });
});
