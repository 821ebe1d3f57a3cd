import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../store/sqlite-store.js';

// Runs the BUILT command (npm run build -w @cairn/collector first), as cli.test.ts does: the
// read worker is a built file. A slow segment (seconds, by construction: 30 conditions with 15
// JSON filters each over 24,000 events) runs while ingest and /healthz are called; they must
// keep answering in a fraction of its time, which they cannot when it runs on the request
// thread (the default store) or on the store's writer thread (--sqlite-worker).
const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const PEOPLE = 8_000;
const dir = mkdtempSync(join(tmpdir(), 'cairn-read-worker-'));
const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A definition that reads every "Product Viewed" 30 times, each through 15 JSON filters. */
const SLOW_SEGMENT = {
  any: Array.from({ length: 30 }, (_, i) => ({
    did: 'Product Viewed',
    where: { ...Object.fromEntries(Array.from({ length: 14 }, (_, k) => [`properties.missing${k}`, { exists: false }])), 'properties.price': { gte: i } },
    within: 'P30D',
  })),
};

function seed(path: string): void {
  createSqliteStore({ path }).close();
  const db = new Database(path);
  const now = Date.now();
  const event = db.prepare(`INSERT INTO events (source, message_id, type, event, name, anonymous_id, user_id, timestamp, original_timestamp, sent_at, received_at, raw)
    VALUES ('default', ?, 'track', 'Product Viewed', NULL, ?, NULL, ?, ?, NULL, ?, ?)`);
  const link = db.prepare('INSERT INTO person_ids (anonymous_id, person_id, linked_at) VALUES (?, ?, NULL)');
  const person = db.prepare('INSERT INTO people (person_id, user_id, traits, first_seen, last_seen) VALUES (?, NULL, NULL, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < PEOPLE; i++) {
      const anonymousId = `anon-${i}`;
      const times = [1, 2, 3].map((k) => new Date(now - ((i * 3 + k) % (20 * 24 * 60)) * 60_000).toISOString());
      times.forEach((time, k) => event.run(`m-${i}-${k}`, anonymousId, time, time, time, JSON.stringify({ type: 'track', event: 'Product Viewed', properties: { price: 30 + k } })));
      link.run(anonymousId, `a:${anonymousId}`);
      person.run(`a:${anonymousId}`, times[2], times[0]);
    }
  })();
  db.close();
}

async function start(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [CLI, '--port', '0', '--write-key', 'wk', '--admin-token', 'token', '--rate-limit', '0', ...args], {
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line: ${output}`)), 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const ready = output.split('\n').find((line) => line.includes('"msg":"ready"'));
      if (ready) {
        clearTimeout(timer);
        resolve((JSON.parse(ready) as { url: string }).url);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  });
}

/** Ingest one event and ask /healthz, again and again while `busy` runs; the slowest of those asked before it ended. */
async function slowestAnswerDuring(url: string, busy: Promise<unknown>): Promise<number> {
  let done = false;
  void busy.finally(() => (done = true));
  let slowest = 0;
  for (let n = 0; !done; n++) {
    // A call that waited for the query ends after it: it counts because it started before.
    const started = performance.now();
    const ingest = await fetch(`${url}/v1/batch`, {
      method: 'POST',
      body: JSON.stringify({ writeKey: 'wk', batch: [{ type: 'track', event: 'During', messageId: `during-${n}-${Math.random()}`, anonymousId: 'probe', timestamp: new Date().toISOString() }] }),
    });
    expect(ingest.status).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    slowest = Math.max(slowest, performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return slowest;
}

describe('analytics reads run on the SQLite read worker', { timeout: 120_000 }, () => {
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build -w @cairn/collector first`);
  });

  for (const mode of [[], ['--sqlite-worker', 'true']]) {
    it(`keeps ingest and /healthz answering during a multi-second segment (${mode.length === 0 ? 'default store' : '--sqlite-worker'})`, async () => {
      const path = join(dir, `slow-${mode.length}.db`);
      seed(path);
      const url = await start(['--db', path, ...mode]);
      await (await fetch(`${url}/healthz`)).text();
      const started = performance.now();
      const query = fetch(`${url}/admin/api/segments/preview`, { method: 'POST', headers: { authorization: 'Bearer token' }, body: JSON.stringify(SLOW_SEGMENT) }).then(async (response) => {
        expect(response.status).toBe(200);
        return ((await response.json()) as { count: number }).count;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const slowest = await slowestAnswerDuring(url, query);
      const queryMs = performance.now() - started;
      expect(await query).toBe(PEOPLE);
      // The query is slow by construction; a call that waited for it would take most of its time.
      const figures = `query ${Math.round(queryMs)} ms, slowest ingest + /healthz ${Math.round(slowest)} ms`;
      expect(queryMs, figures).toBeGreaterThan(1_000);
      expect(slowest, figures).toBeLessThan(Math.max(500, queryMs / 4));
    });
  }
});
