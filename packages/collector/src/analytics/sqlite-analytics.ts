import Database from 'better-sqlite3';
import { querySqliteFunnel } from '../funnels/sqlite-funnel-query.js';
import { querySegmentSqlite } from '../segments/sqlite-segment-query.js';
import { userPerson } from '../people/plan-people-writes.js';
import { readPeopleSqlite, segmentMembersSqlite } from '../segments/sqlite-segment-export.js';
import { findAbandonedCartsSqlite } from '../carts/sqlite-cart-scan.js';
import type { AnalyticsStore, StoredSegment } from './analytics-store.js';

/**
 * The SQLite store's analytics methods. Segment, funnel and cart reads run on a second,
 * read-only connection to the same file (WAL: they never block ingest commits, nor see a
 * half-written batch); an in-memory database has no second connection and reads on `db`.
 * Here they run on whichever thread owns the store; the Node entry moves them to the read
 * worker (withSqliteReadAnalytics), where the same pure (connection, query) functions run.
 *
 * @example
 * const analytics = createSqliteAnalytics(db, './cairn.db');
 * await analytics.querySegment({ condition, now: Date.now(), limit: 100 });
 */
export function createSqliteAnalytics(db: Database.Database, path: string): AnalyticsStore & { close(): void } {
  let reader: Database.Database | undefined;
  const read = () => {
    if (path === ':memory:' || path === '') return db;
    reader ??= new Database(path, { readonly: true, fileMustExist: true });
    return reader;
  };
  const upsert = db.prepare(`INSERT INTO segments (name, definition, created_at, updated_at) VALUES (@name, @definition, @now, @now)
    ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`);
  const exists = db.prepare('SELECT 1 FROM segments WHERE name = ?').pluck();
  const put = db.transaction((segment: { name: string; definition: string; now: string }) => {
    const created = exists.get(segment.name) === undefined;
    upsert.run(segment);
    return { created };
  });
  const columns = 'name, definition, created_at AS createdAt, updated_at AS updatedAt';
  const selectOne = db.prepare(`SELECT ${columns} FROM segments WHERE name = ?`);
  const selectAll = db.prepare(`SELECT ${columns} FROM segments ORDER BY name`);
  const remove = db.prepare('DELETE FROM segments WHERE name = ?');
  const linked = db.prepare('SELECT anonymous_id FROM person_ids WHERE person_id = ? ORDER BY anonymous_id').pluck();
  const parse = (row: (Omit<StoredSegment, 'definition'> & { definition: string }) | undefined): StoredSegment | null =>
    row === undefined ? null : { ...row, definition: JSON.parse(row.definition) as unknown };

  return {
    querySegment: async (query) => querySegmentSqlite(read(), query),
    segmentMembers: async (query) => segmentMembersSqlite(read(), query),
    readPeople: async (personIds) => readPeopleSqlite(read(), personIds),
    queryFunnel: async (query) => querySqliteFunnel(read(), query),
    putSegment: async ({ name, definition, now }) => {
      return put.immediate({ name, definition: JSON.stringify(definition), now });
    },
    getSegment: async (name) => parse(selectOne.get(name) as never),
    listSegments: async () => (selectAll.all() as never[]).map((row) => parse(row) as StoredSegment),
    deleteSegment: async (name) => remove.run(name).changes === 1,
    linkedAnonymousIds: async (userId) => linked.all(userPerson(userId)) as string[],
    findAbandonedCarts: async (query) => findAbandonedCartsSqlite(read(), query),
    close: () => {
      if (reader?.open) reader.close();
    },
  };
}
