import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('SQLite maintenance durability', () => {
  it("commits an erasure's chunks with an fsync (FULL), while retention chunks relax to NORMAL", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-erase-sync-'));
    dirs.push(dir);
    const path = join(dir, 'cairn.db');
    const store = createSqliteStore({ path });
    const seed = new Database(path);
    seed.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
      INSERT INTO events (source, message_id, type, event, anonymous_id, user_id, timestamp, received_at, raw)
      SELECT 'default', printf('m%05d', i), 'track', 'Product Added', 'anon-' || i, CASE WHEN i % 100 = 0 THEN 'u-erase' END,
             '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', '{"type":"track"}' FROM n`);
    seed.close();
    // Every pragma the store's connection runs while the work is going on.
    const pragmas: string[] = [];
    const pragma = Database.prototype.pragma;
    vi.spyOn(Database.prototype, 'pragma').mockImplementation(function (this: Database.Database, source: string, options?: Database.PragmaOptions) {
      pragmas.push(source);
      return pragma.call(this, source, options);
    });
    const erased = await store.erase({ userId: 'u-erase' });
    expect(erased.events).toBe(30);
    // A 200 from /admin/erase tells a data subject their data is gone: a power cut must not
    // bring it back, and nothing would run the erasure again.
    expect(pragmas.filter((text) => /synchronous\s*=\s*normal/i.test(text))).toEqual([]);
    pragmas.length = 0;
    expect(await store.deleteOlderThan('2021-01-01T00:00:00.000Z')).toBe(2970);
    expect(pragmas.some((text) => /synchronous\s*=\s*normal/i.test(text))).toBe(true);
    vi.restoreAllMocks();
    await store.close();
  });
});
