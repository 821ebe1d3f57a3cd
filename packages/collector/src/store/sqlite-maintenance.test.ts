import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollector } from '../collector.js';
import { createRecordingLogger } from '../testing/collector-fixture.js';
import { startRetention } from './retention.js';
import { createSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

const ROWS = 1_000_000;
const dir = mkdtempSync(join(tmpdir(), 'cairn-maintenance-'));
let store: Store;
let server: Server;
let healthz: string;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

beforeAll(async () => {
  const path = join(dir, 'cairn.db');
  store = createSqliteStore({ path });
  // A million old events, fast: one statement on a connection of the test's own. Every 1000th
  // row belongs to user 'u-erase'; received_at runs over 2020 (all before the cutoff).
  const seed = new Database(path);
  seed.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
    INSERT INTO events (source, message_id, type, event, anonymous_id, user_id, timestamp, received_at, raw)
    SELECT 'default', printf('m%07d', i), 'track', 'Product Added', 'anon-' || (i % 5000),
           CASE WHEN i % 1000 = 0 THEN 'u-erase' END, '2020-01-01T00:00:00.000Z',
           strftime('%Y-%m-%dT%H:%M:%fZ', '2020-01-01', '+' || (i / 100) || ' seconds'),
           '{"type":"track","event":"Product Added","properties":{"price":12,"currency":"EUR"}}'
    FROM n`);
  seed.close();
  const app = createCollector({ sources: [{ name: 'default', writeKey: 'wk' }], store, logger: createRecordingLogger().logger });
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  healthz = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
}, 120_000);

afterAll(async () => {
  agent.destroy();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Probes /healthz one request after another (as a liveness probe would, only much more often)
 * until `work` settles; returns the probe latencies in ms and what the work returned.
 */
async function probeDuring<T>(work: Promise<T>): Promise<{ latencies: number[]; value: T }> {
  let done = false;
  const settled = work.finally(() => (done = true));
  const latencies: number[] = [];
  while (!done) {
    const started = performance.now();
    const status = await get(healthz);
    if (status !== 200) throw new Error(`/healthz answered ${status}`);
    latencies.push(performance.now() - started);
  }
  return { latencies, value: await settled };
}

/** A GET on a kept-alive connection (lighter on the CPU than fetch); resolves with the status. */
function get(url: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    })
      .on('error', reject)
      .end();
  });
}

/**
 * The latency the probes see, robust to a busy machine: the 90th percentile of many probes
 * (hundreds per phase). A synchronous operation holding the event loop for its whole length
 * lets one or two probes through, each waiting seconds; chunked, every probe waits at most one
 * chunk (~8 ms). On a 2-core box shared with a dozen busy processes, an idle collector's
 * probes already reach 50–150 ms now and then (the process is descheduled), which is why no
 * assertion is on the maximum; measured there (load average 20): p90 ≈ 25 ms during each phase.
 */
function p90(latencies: number[]): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))] ?? Infinity;
}

describe('SQLite maintenance off the request path', () => {
  it('answers /healthz within 100 ms during an erasure scan, stats and a 1-million-row retention delete', async () => {
    // Erasure: a scan of every row (no index on the ids by default).
    const erasure = await probeDuring(store.erase({ userId: 'u-erase' }));
    expect(erasure.value).toEqual({ events: ROWS / 1000, quarantine: 0 });

    const stats = await probeDuring(store.stats());
    expect(stats.value.events).toEqual([{ source: 'default', type: 'track', event: 'Product Added', count: ROWS - ROWS / 1000 }]);

    // Retention as the collector runs it at start-up: the whole table is past the cutoff.
    const retention = startRetention({ store, retentionDays: 30, logger: createRecordingLogger().logger, intervalMs: 3_600_000 });
    const deleted = await probeDuring(retention.runOnce());
    retention.stop();
    expect(deleted.value).toBe(ROWS - ROWS / 1000);
    expect((await store.stats()).events).toEqual([]);

    for (const [phase, { latencies }] of Object.entries({ erasure, stats, retention: deleted })) {
      // Enough probes landed during the work to judge it (one stalled probe would be all there is).
      expect(latencies.length, `${phase}: probes answered during the work`).toBeGreaterThanOrEqual(20);
      expect(p90(latencies), `${phase}: p90 of ${latencies.length} probes (max ${Math.max(...latencies).toFixed(0)} ms)`).toBeLessThan(100);
    }
  }, 180_000);
});
