import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type CollectorProcess } from '../scripts/collector-process.mjs';

// Issue #12, item 9: a live collector's /metrics passes Prometheus's own linter, so every
// metric added later is checked too. promtool comes with Debian's `prometheus` package
// (.ci/run installs it); PROMTOOL_PATH points elsewhere.
const PROMTOOL = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';
const WRITE_KEY = 'promtool-key';
let dir: string;
let collector: CollectorProcess;

function promtoolCheck(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(PROMTOOL, ['check', 'metrics'], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
    child.stdin?.end(text);
  });
}

beforeAll(async () => {
  if (!existsSync(PROMTOOL)) {
    throw new Error(`${PROMTOOL} is missing: install Debian's prometheus package (apt-get install prometheus) or set PROMTOOL_PATH`);
  }
  dir = await mkdtemp(join(tmpdir(), 'cairn-promtool-'));
  collector = await startCollector({ args: ['--port', '0', '--db', join(dir, 'cairn.db'), '--write-key', WRITE_KEY, '--rate-limit', '1', '--rate-limit-burst', '3'] });
});

afterAll(async () => {
  await collector?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('GET /metrics of a running collector', () => {
  it('passes promtool check metrics, with every kind of series present', async () => {
    // Traffic that fills the families: accepted, duplicate and rejected events, a 404, a 429.
    const event = { type: 'track', event: 'Checked', messageId: 'm-1', timestamp: new Date().toISOString() };
    const send = () => fetch(`${collector.url}/v1/batch`, { method: 'POST', body: JSON.stringify({ writeKey: WRITE_KEY, batch: [event, 0] }) });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await send()).status);
    expect(statuses).toContain(200);
    expect(statuses).toContain(429);
    await fetch(`${collector.url}/nowhere`);
    // Twice: the second scrape reports the event-loop delay measured since the first.
    await (await fetch(`${collector.url}/metrics`)).text();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const res = await fetch(`${collector.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain('# TYPE nodejs_eventloop_delay_seconds summary');
    expect(text).toMatch(/^nodejs_eventloop_delay_seconds_count [1-9]\d*$/m);
    expect(text).toMatch(/^cairn_events_total\{outcome="duplicate",source="default"\} \d+$/m);
    const result = await promtoolCheck(text);
    expect(result, result.output).toEqual({ code: 0, output: '' });
  });
});
