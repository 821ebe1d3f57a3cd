import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTOR_CLI, startCollector, type CollectorProcess } from '../scripts/collector-process.mjs';

const DATABASE_URL = process.env.CAIRN_TEST_DATABASE_URL || undefined;
const SKIP_NOTE = DATABASE_URL ? '' : ' (skipped: PostgreSQL tests need CAIRN_TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test)';
const WRITE_KEY = 'pg-e2e-key';
const ROUNDS = 10;
const BATCH = 100;

describe.skipIf(!DATABASE_URL)(`two collector processes on one PostgreSQL database${SKIP_NOTE}`, () => {
  const schema = `cairn_e2e_${randomBytes(6).toString('hex')}`;
  let admin: postgres.Sql;
  let collectors: CollectorProcess[] = [];

  beforeAll(async () => {
    if (!existsSync(COLLECTOR_CLI)) throw new Error(`${COLLECTOR_CLI} is missing: npm run build -w @cairn/collector`);
    admin = postgres(DATABASE_URL as string, { max: 1, onnotice: () => {} });
    await admin`CREATE SCHEMA ${admin(schema)}`;
    // The driver passes URL query parameters to the server as session settings.
    const url = new URL(DATABASE_URL as string);
    url.searchParams.set('search_path', schema);
    const args = ['--port', '0', '--database-url', url.toString(), '--write-key', WRITE_KEY, '--rate-limit', '0'];
    // Started together: both migrate the empty schema at once, and one must wait for the other.
    collectors = await Promise.all([startCollector({ args }), startCollector({ args })]);
  });

  afterAll(async () => {
    await Promise.all(collectors.map((collector) => collector.stop()));
    if (admin) {
      await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
      await admin.end({ timeout: 1 });
    }
  });

  it('stores each messageId once when both receive the same batches at the same time', async () => {
    expect(collectors.map((collector) => collector.ready.store)).toEqual(['postgres', 'postgres']);
    const totals = { accepted: 0, duplicates: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const batch = Array.from({ length: BATCH }, (_, i) => ({
        type: 'track',
        event: 'Product Added',
        messageId: `r${round}-e${i}`,
        anonymousId: `anon-${i % 7}`,
        timestamp: new Date().toISOString(),
        properties: { round, i },
      }));
      // The second collector gets the batch reversed: the overlap is claimed in both orders.
      const bodies = [batch, [...batch].reverse()].map((events) => JSON.stringify({ batch: events, writeKey: WRITE_KEY, sentAt: new Date().toISOString() }));
      const responses = await Promise.all(
        collectors.map(async (collector, i) => {
          const response = await fetch(`${collector.url}/v1/batch`, { method: 'POST', body: bodies[i], headers: { 'content-type': 'text/plain' } });
          return { status: response.status, body: (await response.json()) as { accepted: number; duplicates: number; rejected: unknown[] } };
        }),
      );
      for (const { status, body } of responses) {
        expect(status, JSON.stringify(body)).toBe(200);
        expect(body.rejected).toEqual([]);
        totals.accepted += body.accepted;
        totals.duplicates += body.duplicates;
      }
    }
    expect(totals).toEqual({ accepted: ROUNDS * BATCH, duplicates: ROUNDS * BATCH });

    const [stored] = await admin`
      SELECT count(*)::int AS rows, count(DISTINCT message_id)::int AS ids,
             (SELECT count(*)::int FROM ${admin(schema)}.event_ids) AS claimed
      FROM ${admin(schema)}.events`;
    expect(stored).toEqual({ rows: ROUNDS * BATCH, ids: ROUNDS * BATCH, claimed: ROUNDS * BATCH });
    // Each migration applied once, by one of the two.
    const [migrations] = await admin`SELECT count(*)::int AS n, count(DISTINCT version)::int AS versions, min(version) AS first FROM ${admin(schema)}.schema_migrations`;
    expect(migrations).toEqual({ n: migrations?.versions, versions: expect.any(Number), first: 1 });
  });
});
