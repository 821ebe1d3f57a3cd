import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CollectorError } from '../collector-error.js';
import { describeStoreContract } from '../testing/store-contract.js';
import { createSqliteStore } from './sqlite-store.js';
import type { EventRow, QuarantineRow, Store } from './store.js';

let dir: string;
let path: string;
const opened: Store[] = [];
const open = () => {
  const store = createSqliteStore({ path, now: () => Date.UTC(2024, 0, 1) });
  opened.push(store);
  return store;
};
const read = <T>(sql: string): T[] => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-store-'));
  path = join(dir, 'cairn.db');
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const row = (messageId: string, extra: Partial<EventRow> = {}): EventRow => ({
  source: 'default',
  messageId,
  type: 'track',
  event: 'A',
  name: null,
  anonymousId: 'anon',
  userId: null,
  timestamp: '2024-01-01T00:00:00.000Z',
  originalTimestamp: null,
  sentAt: null,
  receivedAt: '2024-01-01T00:00:01.000Z',
  raw: `{"messageId":"${messageId}"}`,
  ...extra,
});
const bad: QuarantineRow = {
  source: 'default',
  messageId: 'q1',
  receivedAt: '2024-01-01T00:00:01.000Z',
  code: 'invalid_event',
  reason: 'type must be one of …',
  raw: '{}',
};

describe('createSqliteStore', () => {
  it('creates the contract schema in WAL mode and records the migration once', async () => {
    open();
    await opened[0]?.close();
    open(); // reopening applies nothing twice
    expect(read<{ journal_mode: string }>('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(read('SELECT version, applied_at FROM schema_migrations')).toEqual([
      { version: 1, applied_at: '2024-01-01T00:00:00.000Z' },
      { version: 2, applied_at: '2024-01-01T00:00:00.000Z' },
      { version: 4, applied_at: '2024-01-01T00:00:00.000Z' },
    ]);
    expect(read<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name")).toEqual([
      { name: 'events_by_received' },
      { name: 'events_by_time' },
      { name: 'quarantine_by_time' },
    ]);
    const columns = (table: string) =>
      read<{ name: string; notnull: number; pk: number }>(`PRAGMA table_info(${table})`).map((c) => [c.name, c.notnull, c.pk]);
    expect(columns('events')).toEqual([
      ['source', 1, 1],
      ['message_id', 1, 2],
      ['type', 1, 0],
      ['event', 0, 0],
      ['name', 0, 0],
      ['anonymous_id', 0, 0],
      ['user_id', 0, 0],
      ['timestamp', 1, 0],
      ['original_timestamp', 0, 0],
      ['sent_at', 0, 0],
      ['received_at', 1, 0],
      ['raw', 1, 0],
      ['normalized', 0, 0],
    ]);
    expect(columns('quarantine')).toEqual([
      ['id', 0, 1],
      ['source', 0, 0],
      ['message_id', 0, 0],
      ['received_at', 0, 0],
      ['code', 1, 0],
      ['reason', 1, 0],
      ['raw', 1, 0],
    ]);
  });

  it('tells inserted rows from duplicates and writes quarantine in the same commit', async () => {
    const store = open();
    expect(await store.write({ events: [row('a'), row('b')], quarantined: [bad] })).toEqual({
      inserted: ['a', 'b'],
      duplicates: [],
    });
    expect(await store.write({ events: [row('b'), row('c'), row('c')], quarantined: [] })).toEqual({
      inserted: ['c'],
      duplicates: ['b', 'c'],
    });
    expect(read('SELECT message_id FROM events ORDER BY message_id')).toEqual([
      { message_id: 'a' },
      { message_id: 'b' },
      { message_id: 'c' },
    ]);
    expect(read('SELECT message_id, code FROM quarantine')).toEqual([{ message_id: 'q1', code: 'invalid_event' }]);
  });

  it('writes all of a request or nothing', async () => {
    const store = open();
    const broken = row('broken', { type: null as unknown as string });
    await expect(store.write({ events: [row('first'), broken], quarantined: [bad] })).rejects.toThrow(/NOT NULL/);
    expect(read('SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }]);
    expect(read('SELECT count(*) AS n FROM quarantine')).toEqual([{ n: 0 }]);
  });

  it('writes while a reader holds a snapshot (WAL)', async () => {
    const store = open();
    await store.write({ events: [row('before')], quarantined: [] });
    const reader = new Database(path, { readonly: true });
    try {
      reader.exec('BEGIN');
      const count = reader.prepare('SELECT count(*) AS n FROM events');
      expect(count.get()).toEqual({ n: 1 });
      await store.write({ events: [row('during')], quarantined: [] });
      expect(count.get()).toEqual({ n: 1 }); // the reader's snapshot is stable
      reader.exec('COMMIT');
      expect(count.get()).toEqual({ n: 2 });
    } finally {
      reader.close();
    }
  });

  it('refuses a database migrated by a newer collector', async () => {
    await open().close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(99, 'future', '2030-01-01T00:00:00Z');
    db.close();
    expect(open).toThrow(expect.objectContaining({ code: 'store_open_failed', message: expect.stringContaining('99') }));
  });

  it('reports a file it cannot open as CollectorError store_open_failed', () => {
    path = join(dir, 'missing-folder', 'cairn.db');
    expect(open).toThrow(CollectorError);
  });

  it('rejects calls once closed; closing twice is fine', async () => {
    const store = open();
    await store.ping();
    await store.close();
    await store.close();
    await expect(store.ping()).rejects.toThrow();
    await expect(store.write({ events: [row('late')], quarantined: [] })).rejects.toThrow();
  });
});

describeStoreContract('sqlite', async () => createSqliteStore({ path: join(dir, 'contract.db') }));
