import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTOR_CLI, startCollector, type CollectorProcess } from '../scripts/collector-process.mjs';

// Cairn in front of another Cairn: the first collector forwards what it stored to the second's
// /v1/batch with the second's write key. Both are the real CLI on real SQLite files.

const RECEIVER_KEY = 'receiver-key';
const SENDER_KEY = 'sender-key';
const ADMIN = 'segment-admin-token';
let dir: string;
const running: CollectorProcess[] = [];

beforeAll(() => {
  if (!existsSync(COLLECTOR_CLI)) throw new Error(`${COLLECTOR_CLI} is missing: run npm run build -w @cairn/collector first`);
});
afterEach(async () => {
  for (const collector of running.splice(0)) await collector.stop(2_000);
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function start(args: string[]): Promise<CollectorProcess> {
  const collector = await startCollector({ args: ['--port', '0', '--rate-limit', '0', ...args] });
  running.push(collector);
  return collector;
}

const storedEvents = (dbPath: string) => {
  if (!existsSync(dbPath)) return [];
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare<[], { message_id: string; raw: string; source: string }>('SELECT message_id, raw, source FROM events ORDER BY rowid').all();
  } finally {
    db.close();
  }
};

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('segment destination (to a second Cairn collector)', { timeout: 60_000 }, () => {
  it('forwards every event with its messageId to /v1/batch with the write key, after the receiver was down, without PII it drops', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-segment-'));
    const receiverDb = join(dir, 'receiver.db');
    let receiver = await start(['--db', receiverDb, '--write-key', RECEIVER_KEY]);
    const receiverPort = new URL(receiver.url).port;
    await receiver.stop(2_000);
    running.splice(running.indexOf(receiver), 1);

    const config = join(dir, 'sender.json');
    await writeFile(
      config,
      JSON.stringify({
        sources: [{ name: 'web', writeKey: SENDER_KEY }],
        adminToken: ADMIN,
        storage: { db: join(dir, 'sender.db') },
        destinations: [
          {
            name: 'cairn-upstream',
            kind: 'segment',
            url: `http://127.0.0.1:${receiverPort}`,
            writeKey: RECEIVER_KEY,
            dropProperties: ['email'],
            dropTraits: ['email'],
            batchSize: 20,
            retryMinSeconds: 0.1,
            retryMaxSeconds: 0.5,
          },
          // A wrong write key is refused for good (401): dead letters, the other destination goes on.
          { name: 'wrong-key', kind: 'segment', url: `http://127.0.0.1:${receiverPort}`, writeKey: 'nope', retryMinSeconds: 0.1, retryMaxSeconds: 0.5 },
        ],
      }),
    );
    const sender = await start(['--config', config]);
    const batch = [
      { type: 'identify', userId: 'u1', messageId: 'seg-id-1', traits: { email: 'a@b.c', plan: 'pro' } },
      ...Array.from({ length: 45 }, (_, i) => ({
        type: 'track',
        event: 'Product Added',
        userId: 'u1',
        messageId: `seg-${String(i).padStart(3, '0')}`,
        properties: { sku: `S${i}`, email: 'a@b.c' },
      })),
    ];
    const posted = await fetch(`${sender.url}/v1/batch`, { method: 'POST', body: JSON.stringify({ writeKey: SENDER_KEY, batch }) });
    expect(posted.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const admin = async () =>
      (await (await fetch(`${sender.url}/admin/api/destinations`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as {
        name: string;
        pending: number;
        delivered: number;
        deadLettered: number;
        lastError: string | null;
      }[];
    const down = (await admin()).find((d) => d.name === 'cairn-upstream');
    expect(down).toMatchObject({ pending: 46, delivered: 0 });
    expect(down?.lastError).toMatch(/ECONNREFUSED/);

    receiver = await start(['--db', receiverDb, '--write-key', RECEIVER_KEY, '--port', receiverPort]);
    await until(() => storedEvents(receiverDb).length >= 46, 'the receiver to store the 46 events');
    const stored = storedEvents(receiverDb);
    expect(stored.map((row) => row.message_id)).toEqual(batch.map((event) => event.messageId));
    const identify = JSON.parse(stored[0]?.raw ?? '{}');
    expect(identify.traits).toEqual({ plan: 'pro' });
    expect(JSON.parse(stored[1]?.raw ?? '{}').properties).toEqual({ sku: 'S0' });
    expect(stored.some((row) => row.raw.includes('a@b.c'))).toBe(false);

    await until(async () => (await admin()).every((d) => d.pending === 0), 'an empty outbox');
    const after = await admin();
    expect(after.find((d) => d.name === 'cairn-upstream')).toMatchObject({ pending: 0, delivered: 46, deadLettered: 0 });
    const wrong = after.find((d) => d.name === 'wrong-key');
    expect(wrong).toMatchObject({ pending: 0, delivered: 0, deadLettered: 46 });
    expect(wrong?.lastError).toMatch(/HTTP 401/);
  });
});
