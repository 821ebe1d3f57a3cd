// Migration 5 backfills people from the events a database already held.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from '../store/sqlite-migrations.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import { HISTORY_NOW, historyBatches } from '../testing/people-history.js';

const dir = mkdtempSync(join(tmpdir(), 'cairn-backfill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migration 5 on a SQLite database with events', { timeout: 60_000 }, () => {
  it('links anonymous ids, sets first/last seen and the latest traits', async () => {
    const path = join(dir, 'old.sqlite');
    const db = new Database(path);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
    for (const migration of SQLITE_MIGRATIONS.filter(({ version }) => version < 5)) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.description, 'then');
    }
    const insert = db.prepare(`INSERT INTO events (source, message_id, type, event, name, anonymous_id, user_id,
        timestamp, original_timestamp, sent_at, received_at, raw, normalized)
      VALUES (@source, @messageId, @type, @event, @name, @anonymousId, @userId,
        @timestamp, @originalTimestamp, @sentAt, @receivedAt, @raw, @normalized)`);
    for (const batch of historyBatches()) for (const row of batch) insert.run(row);
    db.close();

    const store = createSqliteStore({ path });
    const result = await store.querySegment!({ condition: { kind: 'did', event: 'Product Added', where: [], atLeast: 1, window: { withinSeconds: 7 * 86_400 } }, now: HISTORY_NOW, limit: 0 });
    await store.close();
    const byName = Object.fromEntries(result.people.map((person) => [person.userId ?? person.anonymousIds[0], person]));
    expect(Object.keys(byName).sort()).toEqual(['alice', 'anon-dave', 'bob', 'carol', 'erin', 'frank', 'gina']);
    expect(byName.alice).toMatchObject({ anonymousIds: ['anon-alice'], firstSeen: new Date(HISTORY_NOW - 3 * 86_400_000 - 5 * 60_000).toISOString() });
    expect(byName.frank?.traits).toEqual({ plan: 'pro', email: 'frank@example.com' });
  });
});
