// Issue #12 audit, gap A: what one 176 KB batch with a 150,000-character `sentAt` and 2,500
// rejected items costs a running collector: growth of the SQLite database and its WAL, and
// /healthz round trips (probed every 10 ms) while the request runs. The `sentAt` is copied onto
// rows only if it is a short client time; before that it was copied onto all 2,500 quarantine rows.
// Run (after npm run build -w @cairn/collector): node scripts/measure-sent-at-body.mjs
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector } from './collector-process.mjs';

const WRITE_KEY = 'k';
const dir = await mkdtemp(join(tmpdir(), 'cairn-sentat-'));
const db = join(dir, 'cairn.db');
const collector = await startCollector({ args: ['--port', '0', '--db', db, '--write-key', WRITE_KEY, '--rate-limit', '0'] });
/** Bytes of the database file and its WAL. */
const size = async () => {
  let total = 0;
  for (const file of [db, `${db}-wal`]) total += await stat(file).then((s) => s.size, () => 0);
  return total;
};
try {
  const items = Array.from({ length: 2_500 }, (_, i) => `{"a":${i}}`).join(',');
  const body = `{"writeKey":"${WRITE_KEY}","sentAt":"${'x'.repeat(150_000)}","batch":[${items}]}`;
  const before = await size();
  /** @type {number[]} */
  const probes = [];
  let done = false;
  const prober = (async () => {
    while (!done) {
      const started = performance.now();
      await (await fetch(`${collector.url}/healthz`)).arrayBuffer();
      probes.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const started = performance.now();
  const res = await fetch(`${collector.url}/v1/batch`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
  await res.arrayBuffer();
  const requestMs = performance.now() - started;
  done = true;
  await prober;
  const after = await size();
  const sorted = [...probes].sort((a, b) => a - b);
  console.log(JSON.stringify({
    bodyBytes: Buffer.byteLength(body),
    status: res.status,
    requestMs: Math.round(requestMs),
    dbAndWalGrowthBytes: after - before,
    healthzProbes: probes.length,
    healthzMedianMs: Math.round(sorted[Math.floor(sorted.length / 2)] ?? NaN),
    healthzMaxMs: Math.round(sorted.at(-1) ?? NaN),
  }));
} finally {
  await collector.stop();
  await rm(dir, { recursive: true, force: true });
}
