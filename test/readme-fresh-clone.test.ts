import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/repo-paths.js';

// Issue #12, item 11: the README's "Running the collector" commands, run as written in a fresh
// clone of this repository's HEAD (commit first: a clone has no uncommitted change). npm links
// a workspace bin only if its file exists at install time, so a bin pointing into dist/ was
// not linked and `npx cairn-collector` went looking for a registry package of that name.
// Slow by nature (an install that compiles better-sqlite3, then a build): one test, bounded.
const run = promisify(execFile);
const STEP_TIMEOUT_MS = 150_000;

/** The shell lines of the README's first code block after `## Running the collector`. */
async function readmeCollectorCommands(): Promise<string[]> {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Running the collector'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('README.md has no sh block under "## Running the collector"');
  return block.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
}

let clone: string;
let prebuilds: string;
// The registry is never asked for anything the lockfile and the cache hold; `npx` may never
// fetch a package (a missing link must fail here, not install someone else's `cairn-collector`).
const env: Record<string, string | undefined> = { ...process.env, CI: 'true', npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };

/**
 * better-sqlite3's install script fetches a prebuilt binary from GitHub, or compiles SQLite
 * for minutes when it cannot (this machine reaches only the npm registry). Its installer also
 * looks in a local folder first: the binary this checkout already built goes there, as a CI
 * cache would hold it. `npm install` itself runs as written, install scripts included.
 */
async function offerLocalPrebuild(): Promise<void> {
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string };
  const name = `better-sqlite3-v${pkg.version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  prebuilds = await mkdtemp(join(tmpdir(), 'cairn-prebuilds-'));
  await run('tar', ['-czf', join(prebuilds, name), '-C', join(REPO_ROOT, 'node_modules/better-sqlite3'), 'build/Release/better_sqlite3.node']);
  env.npm_config_better_sqlite3_local_prebuilds = prebuilds;
}

function sh(command: string, cwd: string, extraEnv: Record<string, string> = {}) {
  return run('sh', ['-c', command], { cwd, env: { ...env, ...extraEnv }, timeout: STEP_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
}

beforeAll(async () => {
  clone = await mkdtemp(join(tmpdir(), 'cairn-clone-'));
  await run('git', ['clone', '--quiet', '--no-hardlinks', REPO_ROOT, clone], { timeout: 60_000 });
  await offerLocalPrebuild();
});

afterAll(async () => {
  if (clone) await rm(clone, { recursive: true, force: true });
  if (prebuilds) await rm(prebuilds, { recursive: true, force: true });
});

describe("the README's collector commands in a fresh clone", () => {
  it('install and build, then npx cairn-collector starts and stores an event', { timeout: 2 * STEP_TIMEOUT_MS + 60_000 }, async () => {
    const [setup, start] = await readmeCollectorCommands();
    expect(setup).toMatch(/^npm install && npm run build$/);
    expect(start).toMatch(/^npx cairn-collector /);
    const [install, build] = (setup as string).split('&&').map((part) => part.trim());

    await sh(install as string, clone);
    // Linked at install time, before any build: it runs and says what is missing.
    const early = await sh('npx cairn-collector --help', clone, { npm_config_offline: 'true' }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(early?.code).toBe(1);
    expect(early?.stderr).toContain('npm run build');

    await sh(build as string, clone);
    const args = (start as string)
      .replace(/--port \S+/, '--port 0')
      .replace(/--db \S+/, `--db ${join(clone, 'readme.db')}`)
      .split(/\s+/)
      .slice(1);
    // Its own process group: npx runs the bin in a child, and both must stop at the end.
    const child = spawn('npx', args, { cwd: clone, env: { ...env, npm_config_offline: 'true' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`no ready line within 30 s:\n${output}`)), 30_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /"msg":"ready".*?"url":"([^"]+)"/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1] as string);
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`npx cairn-collector exited (${code}) before it was ready:\n${output}`));
        });
      });
      const writeKey = /--write-key (\S+)/.exec(start as string)?.[1] as string;
      const res = await fetch(`${url}/v1/batch`, {
        method: 'POST',
        body: JSON.stringify({ writeKey, batch: [{ type: 'track', event: 'README Works', messageId: 'readme-1', timestamp: new Date().toISOString() }] }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    } finally {
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  });
});
