import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver } from '../packages/collector/src/testing/webhook-receiver.js';
import { COLLECTOR_CLI, startCollector, type CollectorProcess } from '../scripts/collector-process.mjs';

// The real CLI, a real HTTP receiver, SQLite files and the test PostgreSQL: delivery survives a
// SIGKILL mid-forwarding and two instances on one database never send a destination's batches
// at the same time. Receivers answer after a short delay so the kill lands while forwarding.

const WRITE_KEY = 'reliability-key';
const DATABASE_URL = process.env.CAIRN_TEST_DATABASE_URL || undefined;
const PG_SKIP = DATABASE_URL ? '' : ' (skipped: PostgreSQL tests need CAIRN_TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test)';
const running: CollectorProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

beforeAll(() => {
  if (!existsSync(COLLECTOR_CLI)) throw new Error(`${COLLECTOR_CLI} is missing: run npm run build -w @cairn/collector first`);
});
afterEach(async () => {
  for (const collector of running.splice(0)) await collector.stop(2_000);
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function writeConfig(dir: string, url: string, storage: Record<string, unknown>) {
  const path = join(dir, `cairn-${randomBytes(3).toString('hex')}.json`);
  await writeFile(
    path,
    JSON.stringify({
      sources: [{ name: 'web', writeKey: WRITE_KEY }],
      storage,
      limits: { rateLimit: 0 },
      destinations: [{ name: 'ads', kind: 'webhook', url, secret: 'reliability-secret-0123', consent: 'marketing', batchSize: 10, retryMinSeconds: 0.1, retryMaxSeconds: 0.5 }],
    }),
  );
  return path;
}

/** `n` events, every third one refusing marketing (stored: analytics is granted; never forwarded to "ads"). */
function events(prefix: string, n: number) {
  return Array.from({ length: n }, (_, i) => ({
    type: 'track',
    event: 'Item Viewed',
    messageId: `${prefix}-${String(i).padStart(4, '0')}`,
    anonymousId: `anon-${i % 5}`,
    context: { consent: { categoryPreferences: { analytics: true, marketing: i % 3 !== 0 } } },
  }));
}

const post = (url: string, batch: unknown[]) => fetch(`${url}/v1/batch`, { method: 'POST', body: JSON.stringify({ writeKey: WRITE_KEY, batch }) });
const firstOccurrences = (ids: readonly string[]) => [...new Set(ids)];

describe('destination delivery across a crash (SQLite, real CLI)', { timeout: 90_000 }, () => {
  it('delivers every stored matching event after a SIGKILL mid-forwarding and a restart; repeats only of the same messageId, in order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-dest-crash-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    receiver.answerByDefault({ status: 200, delayMs: 40 });
    const dbPath = join(dir, 'cairn.db');
    const config = await writeConfig(dir, receiver.url, { db: dbPath });
    const first = await startCollector({ args: ['--config', config, '--port', '0'] });
    running.push(first);
    for (let round = 0; round < 30; round++) expect((await post(first.url, events(`c${round}`, 20))).status).toBe(200);
    await until(() => receiver.delivered().length >= 60, 'some deliveries before the kill');
    first.child.kill('SIGKILL');
    await first.exited;
    running.splice(running.indexOf(first), 1);
    const deliveredBeforeKill = receiver.delivered().length;

    const db = new Database(dbPath, { readonly: true });
    const stored = db.prepare<[], { message_id: string; raw: string }>('SELECT message_id, raw FROM events ORDER BY rowid').all();
    db.close();
    expect(stored).toHaveLength(600);
    const matching = stored.filter((row) => JSON.parse(row.raw).context.consent.categoryPreferences.marketing === true).map((row) => row.message_id);
    expect(deliveredBeforeKill).toBeLessThan(matching.length);

    const second = await startCollector({ args: ['--config', config, '--port', '0'] });
    running.push(second);
    receiver.answerByDefault({ status: 200 });
    await until(() => new Set(receiver.delivered()).size >= matching.length, 'every matching event delivered after the restart');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const delivered = receiver.delivered();
    expect(new Set(delivered)).toEqual(new Set(matching));
    expect(firstOccurrences(delivered)).toEqual(matching);
    // A denied-consent event never reached the marketing destination, not even as a resend.
    const denied = stored.map((row) => row.message_id).filter((id) => !matching.includes(id));
    expect(receiver.requests.flatMap((r) => r.json.batch.map((e) => String(e.messageId))).filter((id) => denied.includes(id))).toEqual([]);
  });
});

describe.skipIf(!DATABASE_URL)(`destinations with two collector instances on one PostgreSQL database${PG_SKIP}`, { timeout: 90_000 }, () => {
  it('sends each destination batch from one instance at a time, in order, and the survivor finishes after the other is killed', async () => {
    const schema = `cairn_e2e_${randomBytes(6).toString('hex')}`;
    const admin = postgres(DATABASE_URL as string, { max: 1, onnotice: () => {} });
    await admin`CREATE SCHEMA ${admin(schema)}`;
    cleanups.push(async () => {
      await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
      await admin.end({ timeout: 1 });
    });
    const dir = await mkdtemp(join(tmpdir(), 'cairn-dest-pg-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    receiver.answerByDefault({ status: 200, delayMs: 25 });
    const url = new URL(DATABASE_URL as string);
    url.searchParams.set('search_path', schema);
    const config = await writeConfig(dir, receiver.url, { databaseUrl: url.toString() });
    const [a, b] = await Promise.all([startCollector({ args: ['--config', config, '--port', '0'] }), startCollector({ args: ['--config', config, '--port', '0'] })]);
    running.push(a as CollectorProcess, b as CollectorProcess);
    const posted: string[] = [];
    for (let round = 0; round < 24; round++) {
      const batch = events(`p${round}`, 15);
      expect((await post((round % 2 === 0 ? a : b)?.url ?? '', batch)).status).toBe(200);
      posted.push(...batch.filter((event) => event.context.consent.categoryPreferences.marketing).map((event) => event.messageId));
    }
    await until(() => receiver.delivered().length >= 80, 'deliveries from both instances');
    a?.child.kill('SIGKILL');
    await a?.exited;
    running.splice(running.indexOf(a as CollectorProcess), 1);
    await until(() => new Set(receiver.delivered()).size >= posted.length, 'the survivor to deliver the rest');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.maxInFlight()).toBe(1);
    const delivered = receiver.delivered();
    expect(firstOccurrences(delivered)).toEqual(posted);
    // Without a kill nothing would repeat; with one, at most the batch in flight (10 events).
    expect(delivered.length - posted.length).toBeLessThanOrEqual(10);
  });
});
