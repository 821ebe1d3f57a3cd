import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../bench/collector-load-client.mjs';
import { COLLECTOR_CLI, startCollector, type CollectorProcess } from '../scripts/collector-process.mjs';

// "Acknowledged = durable": the load client records the messageIds of every batch the
// collector answered 200; whatever happens to the process next, each of them must be stored.
// Bounded loads (a few seconds, few connections) on the real CLI and a real SQLite file.

const WRITE_KEY = 'crash-key';
let dir: string;
const running: CollectorProcess[] = [];

beforeAll(() => {
  if (!existsSync(COLLECTOR_CLI)) throw new Error(`${COLLECTOR_CLI} is missing: run npm run build -w @cairn/collector first`);
});
afterEach(async () => {
  for (const collector of running.splice(0)) await collector.stop(1_000);
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function start(dbPath: string, extra: string[] = []): Promise<CollectorProcess> {
  const collector = await startCollector({ args: ['--port', '0', '--db', dbPath, '--write-key', WRITE_KEY, '--rate-limit', '0', ...extra] });
  running.push(collector);
  return collector;
}

function storedIds(dbPath: string): Set<string> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return new Set(db.prepare<[], { message_id: string }>('SELECT message_id FROM events').all().map((row) => row.message_id));
  } finally {
    db.close();
  }
}

/** Where the overview rollups disagree with the events they count (none when exact). */
function rollupMismatches(dbPath: string): string[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const one = (sql: string) => (db.prepare(sql).get() as { n: number | null }).n ?? 0;
    const events = one('SELECT count(*) AS n FROM events');
    const checks: [string, number, number][] = [
      ['cursor', one('SELECT last_rowid AS n FROM overview_cursor'), one('SELECT max(rowid) AS n FROM events')],
      ['hourly', one('SELECT sum(events) AS n FROM overview_hourly'), events],
      ['received', one('SELECT sum(accepted) AS n FROM overview_received'), events],
      ['people', one('SELECT count(*) AS n FROM overview_people'), one(`SELECT count(*) AS n FROM (
        SELECT DISTINCT 'u', substr(timestamp, 1, 7), source, user_id FROM events WHERE user_id != ''
        UNION SELECT DISTINCT 'a', substr(timestamp, 1, 7), source, anonymous_id FROM events WHERE anonymous_id != '')`)],
    ];
    return checks.filter(([, rollup, counted]) => rollup !== counted).map(([name, rollup, counted]) => `${name}: ${rollup} ≠ ${counted}`);
  } finally {
    db.close();
  }
}

const missing = (acknowledged: readonly string[], stored: Set<string>) => acknowledged.filter((id) => !stored.has(id));

describe('collector crash safety (SQLite)', () => {
  it.each([
    ['on the request thread', []],
    ['on a worker thread', ['--sqlite-worker', 'true']],
  ])('keeps every acknowledged event when killed with SIGKILL under load (SQLite %s), and restarts on the same file', async (_label, extra) => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-crash-'));
    const dbPath = join(dir, 'cairn.db');
    const collector = await start(dbPath, extra);
    const killer = setTimeout(() => collector.child.kill('SIGKILL'), 1_500);
    const load = await runLoad({ url: collector.url, writeKey: WRITE_KEY, connections: 8, durationMs: 2_500, keepIds: true, prefix: 'kill' });
    clearTimeout(killer);
    expect(await collector.exited).toMatchObject({ signal: 'SIGKILL' });
    // The kill cut requests in flight: those were never acknowledged, and the client retries them.
    expect(Object.keys(load.statuses).some((status) => status.startsWith('error:'))).toBe(true);
    expect(load.acknowledgedIds.length).toBeGreaterThan(100);

    const restarted = await start(dbPath);
    expect(missing(load.acknowledgedIds, storedIds(dbPath))).toEqual([]);
    // And it takes events again after the crash.
    const after = await runLoad({ url: restarted.url, writeKey: WRITE_KEY, connections: 2, durationMs: 300, keepIds: true, prefix: 'after' });
    expect(after.acknowledgedIds.length).toBeGreaterThan(0);
    expect(missing(after.acknowledgedIds, storedIds(dbPath))).toEqual([]);

    // The overview's rollups (counted after the commits on SQLite, from a rowid cursor) lost
    // what the killed process had counted in memory; the restarted one folds it from events.
    expect(await restarted.stop()).toEqual({ code: 0, signal: null });
    expect(rollupMismatches(dbPath)).toEqual([]);
  });

  it('on SIGTERM under load finishes the requests in flight, loses no acknowledged event, and exits 0', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-term-'));
    const dbPath = join(dir, 'cairn.db');
    const collector = await start(dbPath);
    let signalledAt = Number.POSITIVE_INFINITY;
    const exchanges: { sentAt: number; status: string }[] = [];
    const stopper = setTimeout(() => {
      signalledAt = performance.now();
      collector.child.kill('SIGTERM');
    }, 1_500);
    const load = await runLoad({
      url: collector.url,
      writeKey: WRITE_KEY,
      connections: 8,
      durationMs: 2_500,
      keepIds: true,
      prefix: 'term',
      onExchange: ({ sentAt, status }) => exchanges.push({ sentAt, status }),
    });
    clearTimeout(stopper);
    expect(await collector.exited).toEqual({ code: 0, signal: null });
    expect(collector.logs.at(-1)).toMatchObject({ msg: 'stopped', signal: 'SIGTERM' });

    // Sent well before the signal (so surely received): answered 200, not cut.
    const inFlight = exchanges.filter((exchange) => exchange.sentAt < signalledAt - 50);
    expect(inFlight.length).toBeGreaterThan(10);
    expect(inFlight.filter((exchange) => exchange.status !== '200')).toEqual([]);
    expect(load.acknowledgedIds.length).toBeGreaterThan(100);
    expect(missing(load.acknowledgedIds, storedIds(dbPath))).toEqual([]);
  });
});
