import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// This test runs the BUILT command as a user would (`npx cairn-collector`), so it needs
// `npm run build -w @cairn/collector` first (npm test builds before testing).
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface Cli {
  child: ChildProcessWithoutNullStreams;
  lines: Record<string, unknown>[];
  stderr: string[];
  waitFor(predicate: (line: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function startCli(args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const waiters: (() => void)[] = [];
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part) as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr,
    exited,
    async waitFor(predicate, what) {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const found = lines.find(predicate);
        if (found) return found;
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`no ${what} line; stdout: ${JSON.stringify(lines)} stderr: ${stderr.join('')}`);
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
  };
}

/** POST over node:http from a chosen local address (a fetch cannot pick one). */
function postFrom(url: string, localAddress: string, headers: Record<string, string>, body: string): Promise<{ status: number; headers: { retryAfter?: string } }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', localAddress, headers: { ...headers, 'content-type': 'text/plain' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: { retryAfter: res.headers['retry-after'] as string | undefined } }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let dir: string;
const running: Cli[] = [];
beforeAll(() => {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: run \`npm run build -w @cairn/collector\` before this test`);
  }
  dir = mkdtempSync(join(tmpdir(), 'cairn-cli-'));
});
afterEach(() => {
  for (const cli of running.splice(0)) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Child processes on a shared 2-core machine: generous bounds, never timed assertions.
describe('cairn-collector CLI', { timeout: 30_000 }, () => {
  it('starts in development mode on a free port, stores a batch, and stops cleanly on SIGTERM', async () => {
    const db = join(dir, 'dev.db');
    const cli = startCli(['--port', '0', '--db', db]);
    running.push(cli);
    const ready = await cli.waitFor((line) => line.msg === 'ready', 'ready');
    expect(ready).toMatchObject({ level: 'info', store: 'sqlite', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    const url = ready.url as string;
    expect(url.endsWith(':0')).toBe(false);
    expect(cli.lines.filter((line) => line.msg === 'ready')).toHaveLength(1);
    const warnings = cli.lines.filter((line) => line.level === 'warn').map((line) => JSON.stringify(line));
    expect(warnings).toEqual([expect.stringContaining('cairn-dev'), expect.stringContaining('any origin')]);
    for (const line of cli.lines) expect(new Date(line.time as string).toISOString()).toBe(line.time);

    const res = await fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'http://localhost:3000' },
      body: JSON.stringify({
        writeKey: 'cairn-dev',
        sentAt: new Date().toISOString(),
        batch: [
          { type: 'track', event: 'CLI Test', messageId: 'cli-1', timestamp: new Date().toISOString() },
          { type: 'bogus' },
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(await res.json()).toMatchObject({ accepted: 1, duplicates: 0, rejected: [{ index: 1 }] });
    expect(await cli.waitFor((line) => line.msg === 'batch', 'batch')).toMatchObject({
      source: 'default',
      accepted: 1,
      duplicates: 0,
      rejected: 1,
    });

    // A gzip bomb through the real HTTP server: refused, and the server carries on.
    const bomb = gzipSync(JSON.stringify({ writeKey: 'cairn-dev', batch: [], pad: 'a'.repeat(5_000_000) }));
    const refused = await fetch(`${url}/v1/batch`, { method: 'POST', body: bomb, headers: { 'content-encoding': 'gzip' } });
    expect(refused.status).toBe(413);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    // WAL: the database is readable while the collector runs.
    const reader = new Database(db, { readonly: true });
    expect(reader.prepare('SELECT source, message_id, event FROM events').all()).toEqual([
      { source: 'default', message_id: 'cli-1', event: 'CLI Test' },
    ]);
    reader.close();

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.lines.at(-1)).toMatchObject({ msg: 'stopped', signal: 'SIGTERM' });
  });

  it('finishes a request in flight when SIGTERM arrives, then exits 0', async () => {
    const db = join(dir, 'inflight.db');
    const cli = startCli(['--port', '0', '--db', db, '--write-key', 'KEY']);
    running.push(cli);
    const { url } = await cli.waitFor((line) => line.msg === 'ready', 'ready');
    const text = JSON.stringify({ writeKey: 'KEY', batch: [{ type: 'track', event: 'Slow', messageId: 'slow-1' }] });
    const encoder = new TextEncoder();
    let sendRest: () => void = () => undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(text.slice(0, 20)));
        sendRest = () => {
          controller.enqueue(encoder.encode(text.slice(20)));
          controller.close();
        };
      },
    });
    const pending = fetch(`${url as string}/v1/batch`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    // Let the request reach the handler, then signal while its body is still arriving.
    await new Promise((resolve) => setTimeout(resolve, 300));
    cli.child.kill('SIGTERM');
    await cli.waitFor((line) => line.msg === 'shutting down', 'shutting down');
    sendRest();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 1 });
    expect(await cli.exited).toBe(0);
    const reader = new Database(db, { readonly: true });
    expect(reader.prepare('SELECT message_id FROM events').all()).toEqual([{ message_id: 'slow-1' }]);
    reader.close();
  });

  it('uses the given write key and allowed origin', async () => {
    const cli = startCli(['--port', '0', '--db', join(dir, 'key.db'), '--write-key', 'KEY', '--allowed-origin', 'https://shop.example']);
    running.push(cli);
    const { url } = await cli.waitFor((line) => line.msg === 'ready', 'ready');
    expect(cli.lines.filter((line) => line.level === 'warn')).toEqual([]);
    const post = (writeKey: string, origin: string) =>
      fetch(`${url as string}/v1/track`, {
        method: 'POST',
        headers: { origin },
        body: JSON.stringify({ writeKey, event: 'E', messageId: `m-${writeKey}-${origin}` }),
      });
    expect((await post('cairn-dev', 'https://shop.example')).status).toBe(401);
    expect((await post('KEY', 'https://evil.example')).status).toBe(403);
    expect((await post('KEY', 'https://shop.example')).status).toBe(200);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('rate-limits and records the socket address of a direct client, X-Forwarded-For only from a trusted proxy', async () => {
    // The "proxy" is this test connecting from 127.0.0.2; a direct client connects from 127.0.0.1.
    const db = join(dir, 'rate.db');
    const cli = startCli([
      '--port', '0', '--db', db, '--write-key', 'KEY', '--rate-limit', '1', '--rate-limit-burst', '2',
      '--trust-proxy', '127.0.0.2', '--record-ip', 'true', '--ip', 'full', '--admin-token', 'ADMIN',
    ]);
    running.push(cli);
    const url = (await cli.waitFor((line) => line.msg === 'ready', 'ready')).url as string;
    let sent = 0;
    const post = (from: string, forwardedFor: string) =>
      postFrom(`${url}/v1/track`, from, { 'x-forwarded-for': forwardedFor }, JSON.stringify({ writeKey: 'KEY', event: 'E', messageId: `r${sent++}` }));
    const recorded = (messageId: string) =>
      (new Database(db, { readonly: true }).prepare("SELECT json_extract(normalized, '$.context.ip') AS ip FROM events WHERE message_id = ?").get(messageId) as { ip: string } | undefined)?.ip;

    // A direct client: a forged X-Forwarded-For neither buys a fresh bucket nor a chosen address.
    const direct = [];
    for (let i = 0; i < 3; i++) direct.push((await post('127.0.0.1', `198.51.100.${i}`)).status);
    expect(direct).toEqual([200, 200, 429]);
    expect([recorded('r0'), recorded('r1')]).toEqual(['127.0.0.1', '127.0.0.1']);

    // Through the trusted proxy: each client its own bucket and its own recorded address.
    expect((await post('127.0.0.2', '203.0.113.1')).status).toBe(200);
    expect((await post('127.0.0.2', '203.0.113.2')).status).toBe(200);
    expect((await post('127.0.0.2', '203.0.113.1')).status).toBe(200);
    // The client's own entry left of the proxy's is not believed: still 203.0.113.1's bucket.
    const limited = await post('127.0.0.2', 'forged, 203.0.113.1');
    expect(limited.status).toBe(429);
    expect(limited.headers.retryAfter).toBe('1');
    expect([recorded('r3'), recorded('r4')]).toEqual(['203.0.113.1', '203.0.113.2']);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('cairn_rate_limited_total{scope="ip"} 2');
    expect(metrics).toMatch(/process_resident_memory_bytes \d+/);
    const stats = await fetch(`${url}/admin/stats`, { headers: { authorization: 'Bearer ADMIN' } });
    expect(await stats.json()).toMatchObject({ totals: { events: 5 } }); // 2 + 3 accepted, the 429s stored nothing
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('in production, serves /metrics only on --metrics-listen, or not at all without a metrics token', async () => {
    const production = ['--production', '--host', '127.0.0.1', '--port', '0', '--write-key', 'KEY', '--admin-token', 'p'.repeat(32)];
    const split = startCli([...production, '--db', join(dir, 'metrics-a.db'), '--metrics-listen', '127.0.0.1:0']);
    running.push(split);
    const ready = await split.waitFor((line) => line.msg === 'ready', 'ready');
    expect(ready.metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(ready.metrics).not.toContain(String(ready.port));
    expect((await fetch(`${ready.url as string}/metrics`)).status).toBe(404);
    const scraped = await fetch(ready.metrics as string);
    expect([scraped.status, await scraped.text()]).toEqual([200, expect.stringContaining('# TYPE cairn_http_requests_total counter')]);
    expect((await fetch(String(ready.metrics).replace('/metrics', '/v1/batch'), { method: 'POST', body: '{}' })).status).toBe(404);
    split.child.kill('SIGTERM');
    expect(await split.exited).toBe(0);

    const bare = startCli([...production, '--db', join(dir, 'metrics-b.db')]);
    running.push(bare);
    const bareReady = await bare.waitFor((line) => line.msg === 'ready', 'ready');
    expect(bareReady.metrics).toBe('off');
    expect(bare.lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: expect.stringContaining('GET /metrics is off') }));
    expect((await fetch(`${bareReady.url as string}/metrics`)).status).toBe(404);
    bare.child.kill('SIGTERM');
    expect(await bare.exited).toBe(0);
  });

  it('loads the tracking plan given by --tracking-plan and quarantines what it refuses', async () => {
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify({ mode: 'quarantine', unknownEvents: 'quarantine', events: { 'Signed Up': {} } }));
    const cli = startCli(['--port', '0', '--db', join(dir, 'plan.db'), '--write-key', 'KEY', '--tracking-plan', plan]);
    running.push(cli);
    const { url } = await cli.waitFor((line) => line.msg === 'ready', 'ready');
    const res = await fetch(`${url as string}/v1/batch`, {
      method: 'POST',
      body: JSON.stringify({ writeKey: 'KEY', batch: [{ type: 'track', event: 'Signed Up', messageId: 'p1' }, { type: 'track', event: 'Made Up', messageId: 'p2' }] }),
    });
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: [{ messageId: 'p2', code: 'plan_violation' }] });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);

    writeFileSync(plan, '{"events": ');
    const broken = startCli(['--port', '0', '--db', join(dir, 'plan.db'), '--write-key', 'KEY', '--tracking-plan', plan]);
    running.push(broken);
    expect(await broken.exited).toBe(1);
    expect(broken.stderr.join('')).toMatch(/tracking plan .*plan\.json is not JSON/);
  });

  it('applies the privacy settings of the config file and of --ip', async () => {
    const config = join(dir, 'privacy.config.json');
    writeFileSync(config, JSON.stringify({ sources: [{ name: 'shop', writeKey: 'KEY' }], privacy: { eventCategories: { 'Ad Clicked': 'marketing' } } }));
    const db = join(dir, 'privacy.db');
    const cli = startCli(['--port', '0', '--config', config, '--db', db, '--ip', 'drop']);
    running.push(cli);
    const { url } = await cli.waitFor((line) => line.msg === 'ready', 'ready');
    const consent = { categoryPreferences: { analytics: true, marketing: false } };
    const res = await fetch(`${url as string}/v1/batch`, {
      method: 'POST',
      body: JSON.stringify({
        writeKey: 'KEY',
        batch: [
          // Forged or not, a stamp denying marketing refuses an event the config calls marketing.
          { type: 'track', event: 'Ad Clicked', messageId: 'ad', userId: 'u1', context: { consent, ip: '203.0.113.77' } },
          { type: 'track', event: 'Product Viewed', messageId: 'pv', context: { consent, ip: '203.0.113.77', locale: 'fr-FR' } },
        ],
      }),
    });
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: [{ messageId: 'ad', code: 'consent_denied' }] });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    const reader = new Database(db, { readonly: true });
    const rows = reader.prepare('SELECT message_id, raw, normalized FROM events').all() as { message_id: string; raw: string; normalized: string | null }[];
    expect(rows.map((row) => row.message_id)).toEqual(['pv']);
    expect(JSON.parse(rows[0]?.raw ?? '{}').context).toEqual({ consent, locale: 'fr-FR' });
    expect(rows[0]?.normalized).toBeNull();
    const quarantined = reader.prepare('SELECT code, raw FROM quarantine').all() as { code: string; raw: string }[];
    expect(quarantined).toEqual([{ code: 'consent_denied', raw: expect.not.stringContaining('u1') }]);
    expect(JSON.stringify(quarantined)).not.toContain('203.0.113');
    reader.close();
  });

  it.each([
    ['--production without a key or admin token', ['--production'], /refusing to start in production/],
    ['--production with a short admin token', ['--production', '--write-key', 'K', '--admin-token', 'short'], /admin token of 5 characters: it needs at least 32/],
    ['a --database-url that is not PostgreSQL', ['--database-url', 'mysql://db/cairn'], /postgres:\/\/ or postgresql:\/\/ URL/],
    ['a config value of the wrong type', ['--rate-limit', 'many'], /--rate-limit \(limits.rateLimit\): must be an integer/],
    ['an unknown flag', ['--prot', '8787'], /--prot/],
  ])('exits 1 with a clear message for %s', async (_label, args, message) => {
    const cli = startCli(['--port', '0', '--db', join(dir, 'refused.db'), ...args]);
    running.push(cli);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr.join('')).toMatch(message);
    expect(cli.lines).toContainEqual(expect.objectContaining({ level: 'error', msg: expect.stringMatching(message) }));
    expect(cli.lines.some((line) => line.msg === 'ready')).toBe(false);
  });

  it('prints help', async () => {
    const cli = startCli(['--help']);
    running.push(cli);
    const output: string[] = [];
    cli.child.stdout.removeAllListeners('data').on('data', (chunk: string) => output.push(chunk));
    expect(await cli.exited).toBe(0);
    expect(output.join('')).toContain('--write-key');
  });
});
