import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ERASURE_CORPUS, ERASURE_SURVIVORS } from '../testing/store-contract-quarantine.js';
import { expectBackfilledErasure } from '../testing/backfill-erasure.js';
import { bad } from '../testing/store-rows.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';
import { createSqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('SQLite schema v3 backfill', () => {
  it('fills the id columns of rows quarantined before v3, so erasure reaches them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-backfill-'));
    dirs.push(dir);
    const path = join(dir, 'cairn.db');
    // A database as schema v2 left it, with rows written then.
    const db = new Database(path);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
    for (const migration of SQLITE_MIGRATIONS.filter(({ version }) => version <= 2)) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.description, '2024-01-01T00:00:00.000Z');
    }
    const quarantine = db.prepare(`INSERT INTO quarantine (source, message_id, received_at, code, reason, raw)
      VALUES ('default', ?, '2024-06-01T12:00:00.000Z', 'invalid_event', 'old', ?)`);
    [...ERASURE_CORPUS.map((entry) => entry.raw), ...ERASURE_SURVIVORS].forEach((raw, i) => quarantine.run(`q${i}`, raw));
    db.prepare(`INSERT INTO events (source, message_id, type, anonymous_id, user_id, timestamp, received_at, raw)
      VALUES ('default', 'alias-1', 'alias', NULL, 'u-event', '2024-06-01T12:00:00.000Z', '2024-06-01T12:00:00.000Z', ?)`)
      .run('{"type":"alias","previousId":"anon-first","userId":"u-event","previousId":"anon-older"}');
    db.close();

    const store = createSqliteStore({ path });
    try {
      await expectBackfilledErasure(store, { aliasEventErasedBy: { anonymousId: 'anon-older' } });
    } finally {
      await store.close();
    }
  });

  it('rekeys and re-reads the quarantine at v9: a resend stays out, a reused messageId comes in, nested ids erase', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-backfill-'));
    dirs.push(dir);
    const path = join(dir, 'cairn.db');
    const db = new Database(path);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
    for (const migration of SQLITE_MIGRATIONS.filter(({ version }) => version <= 8)) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.description, '2024-01-01T00:00:00.000Z');
    }
    const raw = (n: number) => `{"messageId":"q${n}","context":{"traits":{"user_id":"nested-${n}"}}}`;
    const insert = db.prepare(`INSERT INTO quarantine (source, message_id, received_at, code, reason, raw, dedup_key)
      VALUES ('default', ?, '2024-06-01T12:00:00.000Z', 'invalid_event', 'old', ?, ?)`);
    for (let n = 0; n < 3; n++) insert.run(`q${n}`, raw(n), `m:q${n}`);
    db.close();

    const store = createSqliteStore({ path });
    try {
      await store.write({ events: [], quarantined: [bad('q0', { raw: raw(0) }), bad('q1', { raw: '{"messageId":"q1","other":true}' })] });
      expect((await store.readQuarantine({ limit: 10 })).map((row) => row.messageId)).toEqual(['q0', 'q1', 'q2', 'q1']);
      expect(await store.erase({ anonymousId: 'nested-2' })).toEqual({ events: 0, quarantine: 1 });
    } finally {
      await store.close();
    }
  });
});
