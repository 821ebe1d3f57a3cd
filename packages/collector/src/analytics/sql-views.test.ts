// The queries of docs/sql.md and of the README, run as written against both stores on the seeded history.
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../store/postgres-store.js';
import { createTestSchema, POSTGRES_SKIP_NOTE, TEST_DATABASE_URL } from '../store/postgres-test-schema.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import { historyBatches } from '../testing/people-history.js';

const DOC = readFileSync(new URL('../../../../docs/sql.md', import.meta.url), 'utf8');
const README = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');

/** The query named `name` for `dialect` in docs/sql.md. */
function query(name: string, dialect: 'sqlite' | 'postgres'): string {
  const match = new RegExp(`<!-- query: ${name} ${dialect} -->\\s*\`\`\`sql\\n([\\s\\S]*?)\`\`\``).exec(DOC);
  if (!match?.[1]) throw new Error(`docs/sql.md has no query ${name} for ${dialect}`);
  return match[1];
}

/**
 * Every ```sql block of the README with the name its `<!-- query: name sqlite -->` marker gives;
 * a block without a marker is an error, so no SQL in the README goes untested.
 */
function readmeQueries(): [name: string, sql: string][] {
  return [...README.matchAll(/(?:<!-- query: ([\w-]+) sqlite -->\s*)?```sql\n([\s\S]*?)```/g)].map((match) => {
    if (match[1] === undefined) throw new Error(`a README sql block has no <!-- query: name sqlite --> marker: ${match[2]?.slice(0, 60)}`);
    return [match[1], match[2] as string];
  });
}

/** Rows with numbers as numbers (PostgreSQL returns bigint and numeric as text) and times dropped. */
function plain(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row)
        .filter(([key]) => !key.endsWith('_seen'))
        .map(([key, value]) => [key, typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value]),
    ),
  );
}

const EXPECTED = {
  'abandoned-on-phone': [{ user_id: 'alice', email: null }, { user_id: 'carol', email: null }],
  'campaign-orders': [{ utm_source: 'newsletter', people: 1, ordered: 1 }, { utm_source: 'retargeting', people: 1, ordered: 0 }],
  'email-list': [{ user_id: 'frank', email: 'frank@example.com' }],
  'revenue-by-device': [
    { device_type: 'desktop', sessions: 1, orders: 1, revenue: 18 },
    { device_type: 'mobile', sessions: 5, orders: 1, revenue: 30 },
    { device_type: 'tablet', sessions: 1, orders: 1, revenue: 40 },
  ],
};

describe('docs/sql.md on SQLite', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-sql-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('answers each question as the docs say', async () => {
    const path = join(dir, 'views.sqlite');
    const store = createSqliteStore({ path, synchronous: 'normal' });
    for (const events of historyBatches(undefined, 'default', Date.now())) await store.write({ events, quarantined: [] });
    await store.close();
    const db = new Database(path, { readonly: true });
    for (const [name, rows] of Object.entries(EXPECTED)) expect([name, plain(db.prepare(query(name, 'sqlite')).all() as Record<string, unknown>[])]).toEqual([name, rows]);
    // The README's questions as SQL (issue #15): the same answers.
    const readme = readmeQueries();
    expect(readme.map(([name]) => name)).toEqual(['abandoned-on-phone', 'campaign-orders', 'email-list']);
    for (const [name, sql] of readme) expect([name, plain(db.prepare(sql).all() as Record<string, unknown>[])]).toEqual([name, EXPECTED[name as keyof typeof EXPECTED]]);
    db.close();
  });
});

describe('docs/sql.md on PostgreSQL', { timeout: 60_000 }, () => {
  it.skipIf(!TEST_DATABASE_URL)(`answers each question as the docs say${POSTGRES_SKIP_NOTE}`, async () => {
    const schema = await createTestSchema();
    try {
      const store = await createPostgresStore({ url: TEST_DATABASE_URL as string, schema: schema.name, maxConnections: 2 });
      for (const events of historyBatches(undefined, 'default', Date.now())) await store.write({ events, quarantined: [] });
      await store.close();
      for (const [name, rows] of Object.entries(EXPECTED)) expect([name, plain(await schema.sql.unsafe(query(name, 'postgres')))]).toEqual([name, rows]);
    } finally {
      await schema.drop();
    }
  });
});
