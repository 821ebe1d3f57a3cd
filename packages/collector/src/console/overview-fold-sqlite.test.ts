import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteReadRunner } from '../store/sqlite-read-runner.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import type { EventRow, Store } from '../store/store.js';
import type { OverviewQuery } from './console-reads.js';
import { createSqliteConsoleReads } from './sqlite-console-reads.js';

const DEVICES = ['mobile', 'desktop', 'tablet', 'tv'];

/** Event `n`: varied names, devices, campaigns, consent, ids and days (May 30 – June 2). */
const event = (n: number, extra: Partial<EventRow> = {}): EventRow => {
  const timestamp = new Date(Date.UTC(2024, 4, 30) + n * 3_700_000).toISOString();
  const row: EventRow = {
    source: n % 4 === 0 ? 'app' : 'web',
    messageId: `m${n}`,
    type: n % 5 === 0 ? 'page' : 'track',
    event: n % 5 === 0 ? null : `Event ${n % 3}`,
    name: n % 5 === 0 ? 'Home' : null,
    anonymousId: `a${n % 7}`,
    userId: n % 2 === 0 ? `u${n % 6}` : null,
    timestamp,
    originalTimestamp: null,
    sentAt: null,
    receivedAt: '2024-06-03T12:00:00.000Z',
    raw: '',
    ...extra,
  };
  const context = {
    device: { type: DEVICES[n % 4] },
    ...(n % 3 === 0 ? { campaign: { source: 'news', medium: 'email', ...(n % 2 === 0 ? { gclid: 'x' } : {}) } } : {}),
    consent: { categoryPreferences: { analytics: true, marketing: n % 2 === 0 } },
  };
  row.raw = JSON.stringify({ type: row.type, messageId: row.messageId, context });
  return row;
};
const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => event(from + i));

const RANGES: OverviewQuery[] = [
  { from: '2024-05-01T00:00:00.000Z', to: '2024-07-01T00:00:00.000Z' },
  { from: '2024-05-31T00:00:00.000Z', to: '2024-06-01T00:00:00.000Z' },
  { from: '2024-06-01T05:30:00.000Z', to: '2024-06-02T00:00:00.000Z', source: 'web' },
];

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-fold-'));
  dirs.push(dir);
  return join(dir, 'cairn.db');
};
const overviews = async (path: string) => {
  const reads = createSqliteConsoleReads(createSqliteReadRunner({ path }));
  try {
    return await Promise.all(RANGES.map((range) => reads.overview(range)));
  } finally {
    await reads.close();
  }
};
const sql = (path: string, query: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(query).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
};
const cursor = (path: string) => sql(path, 'SELECT last_rowid AS n FROM overview_cursor')[0]?.n;

describe('the overview fold on SQLite (rollups counted after the commits, from a rowid cursor)', () => {
  it('answers the same numbers before the fold, after it, and after a crash that lost what ingest had counted', async () => {
    // Reference: every event past the cursor, counted by the read.
    const tailPath = fresh();
    const tail = createSqliteStore({ path: tailPath });
    await tail.write({ events: rows(0, 60), quarantined: [] });
    await tail.write({ events: rows(0, 5), quarantined: [] }); // resends: duplicates only
    expect(cursor(tailPath)).toBe(0);
    const expected = await overviews(tailPath);
    expect(expected[0]).toMatchObject({ accepted: 60, duplicates: 5, users: 3, anonymousIds: 7 });

    // Folded at close: the same numbers from the rollups alone.
    await tail.close();
    expect(cursor(tailPath)).toBe(60);
    expect(await overviews(tailPath)).toEqual(expected);

    // A crash: store A's counts in memory are lost (it never folds), store B reads them back.
    const crashPath = fresh();
    const a = createSqliteStore({ path: crashPath });
    await a.write({ events: rows(0, 30), quarantined: [] });
    await a.write({ events: rows(0, 5), quarantined: [] });
    const b = createSqliteStore({ path: crashPath });
    await b.write({ events: rows(30, 60), quarantined: [] });
    expect(await overviews(crashPath)).toEqual(expected);
    await b.close();
    expect(cursor(crashPath)).toBe(60);
    expect(await overviews(crashPath)).toEqual(expected);
    await a.close(); // nothing left to fold: A's memory is not written twice
    expect(await overviews(crashPath)).toEqual(expected);

    // Another connection folds what A counted in memory; A then writes on: nothing twice.
    const otherPath = fresh();
    const c = createSqliteStore({ path: otherPath });
    await c.write({ events: rows(0, 10), quarantined: [] });
    await c.deleteOlderThan('2000-01-01T00:00:00.000Z'); // folds, deletes nothing
    await c.write({ events: rows(10, 30), quarantined: [] });
    await c.write({ events: rows(0, 5), quarantined: [] });
    await createSqliteStore({ path: otherPath }).close();
    expect(cursor(otherPath)).toBe(30);
    await c.write({ events: rows(30, 60), quarantined: [] });
    await c.close();
    expect(cursor(otherPath)).toBe(60);
    expect(await overviews(otherPath)).toEqual(expected);
  });

  it('catches up after a crash under steady ingest, and while idle, with the same numbers', async () => {
    const path = fresh();
    const first = createSqliteStore({ path });
    await first.write({ events: rows(0, 6000), quarantined: [] });
    await first.close();
    // As if the folds had never run (a crash before any: counts and cursor move together):
    // 6,000 events to read back.
    const db = new Database(path);
    const rollups = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'overview\\_%' ESCAPE '\\' AND name <> 'overview_cursor'").pluck().all() as string[];
    expect(rollups.length).toBeGreaterThan(0);
    db.transaction(() => {
      for (const table of rollups) db.prepare(`DELETE FROM "${table}"`).run();
      db.prepare('UPDATE overview_cursor SET last_rowid = 0').run();
    })();
    db.close();
    // Steady ingest, batches of 20 as browsers send them: the gap is read back a chunk per fold
    // while ingest's own counts wait, instead of becoming gap themselves.
    const store = createSqliteStore({ path });
    try {
      for (let n = 6000; n < 12_000; n += 20) await store.write({ events: rows(n, n + 20), quarantined: [] });
      expect(cursor(path)).toBeGreaterThanOrEqual(6000);
      // Idle: the timer folds what is left, a chunk a second.
      await expect.poll(() => cursor(path), { timeout: 15_000, interval: 250 }).toBe(12_000);
      // The same numbers as a store that never lost a fold.
      const referencePath = fresh();
      const reference = createSqliteStore({ path: referencePath });
      await reference.write({ events: rows(0, 12_000), quarantined: [] });
      await reference.close();
      const after = await overviews(path);
      expect(after[0]!.accepted).toBe(12_000);
      expect(after).toEqual(await overviews(referencePath));
    } finally {
      await store.close();
    }
  });

  it('an erasure removes the person from overview_people, folded or not yet', async () => {
    const path = fresh();
    const store: Store = createSqliteStore({ path });
    await store.write({ events: rows(0, 20), quarantined: [] });
    await store.deleteOlderThan('2000-01-01T00:00:00.000Z'); // folds everything, deletes nothing
    await store.write({ events: rows(20, 40), quarantined: [] }); // counted in memory only
    expect((await overviews(path))[0]).toMatchObject({ users: 3, anonymousIds: 7 });
    await store.erase({ userId: 'u0', anonymousId: 'a0' });
    expect((await overviews(path))[0]).toMatchObject({ accepted: 40, users: 2, anonymousIds: 6 });
    await store.close();
    expect(sql(path, "SELECT count(*) AS n FROM overview_people WHERE id IN ('u0', 'a0')")[0]?.n).toBe(0);
    expect((await overviews(path))[0]).toMatchObject({ accepted: 40, users: 2, anonymousIds: 6 });
  });

  it('counts an event whose rowid a deleted newest event had (the cursor moves back)', async () => {
    const path = fresh();
    const first = createSqliteStore({ path });
    await first.write({ events: [event(0), event(1), event(2, { anonymousId: 'gone', userId: null })], quarantined: [] });
    await first.close();
    expect(cursor(path)).toBe(3);
    const store = createSqliteStore({ path });
    await store.erase({ anonymousId: 'gone' });
    expect(cursor(path)).toBe(2);
    await store.write({ events: [event(3, { anonymousId: 'new', userId: null })], quarantined: [] });
    expect(sql(path, 'SELECT max(rowid) AS n FROM events')[0]?.n).toBe(3);
    const counted = (await overviews(path))[0];
    expect(counted).toMatchObject({ accepted: 4, anonymousIds: 3 });
    await store.close();
    expect(cursor(path)).toBe(3);
    expect((await overviews(path))[0]).toEqual(counted);
  });

  it('with the overview off, moves the cursor and counts nothing', async () => {
    const path = fresh();
    const store = createSqliteStore({ path, derived: { overview: false } });
    await store.write({ events: rows(0, 10), quarantined: [] });
    await store.close();
    expect(cursor(path)).toBe(10);
    expect(sql(path, 'SELECT count(*) AS n FROM overview_hourly')[0]?.n).toBe(0);
    expect((await overviews(path))[0]).toMatchObject({ accepted: 0, users: 0, anonymousIds: 0 });
  });
});
