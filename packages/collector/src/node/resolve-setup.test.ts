import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCliArgs } from './parse-cli-args.js';
import { DEV_WRITE_KEY, resolveSetup } from './resolve-setup.js';

const dir = mkdtempSync(join(tmpdir(), 'cairn-setup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const configFile = (content: unknown) => {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const ADMIN_TOKEN = 'f'.repeat(32);
const setup = (argv: string[], env: Record<string, string> = {}) => resolveSetup(parseCliArgs(argv, env));
const sources = [{ name: 'shop', writeKey: 'k1', allowedOrigins: ['https://shop.example'] }];

describe('resolveSetup', () => {
  it('runs in development mode with the defaults, warning about the key and about open origins', async () => {
    const result = await setup([]);
    expect(result).toEqual({
      mode: 'development',
      production: false,
      sources: [{ name: 'default', writeKey: DEV_WRITE_KEY }],
      host: '127.0.0.1',
      port: 8787,
      dbPath: './cairn.db',
      databaseUrl: undefined,
      sqliteSynchronous: 'full',
      sqliteWorker: false,
      adminToken: undefined,
      metricsToken: undefined,
      metricsListen: undefined,
      serveMetricsOnMainPort: true,
      adminRateLimit: { requestsPerSecond: 10, burst: 20 },
      rateLimit: { requestsPerSecond: 100, burst: 200 },
      sourceRateLimit: 0,
      trustProxy: [],
      maxQueuedEvents: 20_000,
      retentionDays: 0,
      carts: { checkIntervalMs: 60_000, idleMs: 1_800_000 },
      trackingPlanPath: undefined,
      privacy: { ip: 'truncate', recordIp: false },
      shutdownTimeoutMs: 10_000,
      destinations: [],
      warnings: [
        { msg: expect.stringContaining('development mode'), fields: expect.objectContaining({ writeKey: 'cairn-dev' }) },
        { msg: expect.stringContaining('any origin'), fields: { sources: ['default'] } },
      ],
    });
  });

  it('makes --write-key a one-site setup named "default", with its allowed origins', async () => {
    const result = await setup(['--write-key', 'KEY', '--allowed-origin', 'https://shop.example', '--rate-limit', '0']);
    expect(result).toMatchObject({
      mode: 'one-site',
      sources: [{ name: 'default', writeKey: 'KEY', allowedOrigins: ['https://shop.example'] }],
      rateLimit: { requestsPerSecond: 0 },
      warnings: [],
    });
  });

  it('reads every setting from a config file, paths relative to the file', async () => {
    const path = configFile({
      $schema: './cairn.config.schema.json',
      sources: [...sources, { name: 'api', writeKey: 'k2', rateLimit: 50 }],
      adminToken: ADMIN_TOKEN,
      metricsToken: 'scrape',
      port: 9999,
      host: '10.0.0.5',
      trustProxy: ['10.0.0.0/8', 'fd00::/8'],
      trackingPlan: 'plans/plan.json',
      shutdownTimeoutSeconds: 30,
      storage: { db: 'data/cairn.db', synchronous: 'normal', sqliteWorker: true, retentionDays: 395 },
      limits: { rateLimit: 20, rateLimitBurst: 100, sourceRateLimit: 1000, maxQueuedEvents: 50_000 },
      privacy: { ip: 'drop', recordIp: true, eventCategories: { 'Ad Clicked': 'marketing', page: 'necessary' } },
    });
    const result = await setup(['--config', path, '--production']);
    expect(result).toMatchObject({
      mode: 'config',
      production: true,
      host: '10.0.0.5',
      port: 9999,
      dbPath: join(dir, 'data/cairn.db'),
      sqliteSynchronous: 'normal',
      sqliteWorker: true,
      adminToken: ADMIN_TOKEN,
      metricsToken: 'scrape',
      rateLimit: { requestsPerSecond: 20, burst: 100 },
      sourceRateLimit: 1000,
      trustProxy: ['10.0.0.0/8', 'fd00::/8'],
      maxQueuedEvents: 50_000,
      retentionDays: 395,
      trackingPlanPath: join(dir, 'plans/plan.json'),
      privacy: { ip: 'drop', recordIp: true, eventCategories: { 'Ad Clicked': 'marketing', page: 'necessary' } },
      shutdownTimeoutMs: 30_000,
    });
    expect(result.sources.map((s) => s.name)).toEqual(['shop', 'api']);
    expect(result.warnings).toEqual([expect.objectContaining({ fields: { sources: ['api'] } })]);
  });

  it('lets flags and environment override the file, and CAIRN_SOURCES replace its sources', async () => {
    const path = configFile({ sources, adminToken: 'file-token', port: 1111, limits: { rateLimit: 5, sourceRateLimit: 7 } });
    const env = { CAIRN_ADMIN_TOKEN: 'env-token', CAIRN_SOURCES: JSON.stringify([{ name: 'env', writeKey: 'ek' }]) };
    const result = await setup(['--config', path, '--port', '2222', '--rate-limit', '9'], env);
    expect(result).toMatchObject({
      adminToken: 'env-token',
      port: 2222,
      rateLimit: { requestsPerSecond: 9, burst: 18 },
      sourceRateLimit: 7,
      sources: [{ name: 'env', writeKey: 'ek' }],
    });
  });

  it('lets --ip and --record-ip override the file, keeping its eventCategories', async () => {
    const path = configFile({ sources, privacy: { ip: 'full', recordIp: true, eventCategories: { 'Ad Clicked': 'marketing' } } });
    const result = await setup(['--config', path, '--ip', 'drop'], { CAIRN_RECORD_IP: 'false' });
    expect(result.privacy).toEqual({ ip: 'drop', recordIp: false, eventCategories: { 'Ad Clicked': 'marketing' } });
  });

  it('takes sources from CAIRN_SOURCES alone, and production from the file', async () => {
    const env = { CAIRN_SOURCES: JSON.stringify(sources), CAIRN_ADMIN_TOKEN: ADMIN_TOKEN };
    expect(await setup([], env)).toMatchObject({ mode: 'config', sources, warnings: [] });
    const path = configFile({ sources, production: true });
    await expect(setup(['--config', path])).rejects.toMatchObject({ code: 'production_requirements' });
  });

  it.each([
    ['no sources, no token', ['--production'], {}, 'production_requirements', /write key.*admin token/],
    ['no admin token', ['--production', '--write-key', 'K'], {}, 'production_requirements', /admin token/],
    ['the development key', ['--production', '--write-key', 'cairn-dev', '--admin-token', ADMIN_TOKEN], {}, 'production_requirements', /development write key/],
    ['an admin token of 31 characters', ['--production', '--write-key', 'K', '--admin-token', 'x'.repeat(31)], {}, 'production_requirements', /admin token of 31 characters: it needs at least 32/],
    ['a metrics listen address that is not one', ['--metrics-listen', 'localhost'], {}, 'invalid_config', /"localhost" is not HOST:PORT/],
    ['--config with --write-key', ['--config', 'x.json', '--write-key', 'K'], {}, 'invalid_argument', /exclusive/],
    ['CAIRN_SOURCES with --write-key', ['--write-key', 'K'], { CAIRN_SOURCES: JSON.stringify(sources) }, 'invalid_argument', /exclusive/],
    ['a missing config file', ['--config', '/nonexistent/cairn.json'], {}, 'invalid_config', /cannot read/],
  ])('refuses %s', async (_label, argv, env, code, message) => {
    await expect(setup(argv, env)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('takes a short admin token outside production', async () => {
    expect((await setup(['--write-key', 'K', '--admin-token', 'T'])).adminToken).toBe('T');
  });

  it('serves /metrics on the main port unless it has its own address, or production has no metrics token', async () => {
    const production = ['--production', '--write-key', 'K', '--admin-token', ADMIN_TOKEN];
    expect(await setup(['--write-key', 'K'])).toMatchObject({ serveMetricsOnMainPort: true, metricsListen: undefined });
    const bare = await setup(production);
    expect(bare.serveMetricsOnMainPort).toBe(false);
    expect(bare.warnings.map((w) => w.msg)).toContainEqual(expect.stringMatching(/GET \/metrics is off .*--metrics-token.*--metrics-listen/));
    expect(await setup([...production, '--metrics-token', 'M'])).toMatchObject({ serveMetricsOnMainPort: true, warnings: [expect.anything()] });
    expect(await setup([...production, '--metrics-listen', '10.0.0.5:9464'])).toMatchObject({ serveMetricsOnMainPort: false, metricsListen: { host: '10.0.0.5', port: 9464 } });
    expect((await setup(['--metrics-listen', '9464'])).metricsListen).toEqual({ host: '127.0.0.1', port: 9464 });
    expect((await setup(['--metrics-listen', '[::1]:0'])).metricsListen).toEqual({ host: '::1', port: 0 });
  });

  it('limits /admin/* per address at 10/s by default, or as set', async () => {
    expect((await setup([])).adminRateLimit).toEqual({ requestsPerSecond: 10, burst: 20 });
    expect((await setup(['--admin-rate-limit', '0'])).adminRateLimit.requestsPerSecond).toBe(0);
  });

  it('refuses production from NODE_ENV too', async () => {
    await expect(setup([], { NODE_ENV: 'production' })).rejects.toMatchObject({ code: 'production_requirements' });
  });

  it.each([
    ['not JSON', '{', /is not JSON/],
    ['a config without sources', { adminToken: 'T' }, /has no "sources"/],
    ['empty sources', { sources: [] }, /: sources: must NOT have fewer than 1 items/],
    ['a source without key', { sources: [{ name: 'a' }] }, /: sources\[0\]\.writeKey: is required/],
    ['a key that is not a string', { sources: [sources[0], { name: 'b', writeKey: 7 }] }, /: sources\[1\]\.writeKey: must be a string/],
    ['origins not strings', { sources: [{ name: 'a', writeKey: 'k', allowedOrigins: [1] }] }, /sources\[0\]\.allowedOrigins\[0\]: must be a string/],
    ['an empty admin token', { sources, adminToken: '' }, /adminToken: must NOT have fewer than 1 characters/],
    ['a misspelt key', { sources, adminTokn: 'T' }, /adminTokn: is not a known setting/],
    ['a negative rate', { sources, limits: { rateLimit: -1 } }, /limits\.rateLimit: must be >= 0/],
    ['an unknown synchronous mode', { sources, storage: { synchronous: 'off' } }, /storage\.synchronous: must be one of "full", "normal"/],
    ['a port as a string', { sources, port: '8787' }, /port: must be an integer/],
    ['an unknown IP mode', { sources, privacy: { ip: 'hash' } }, /privacy\.ip: must be one of "truncate", "drop", "full"/],
    ['recordIp as a string', { sources, privacy: { recordIp: 'yes' } }, /privacy\.recordIp: must be a boolean/],
    ['a category that is not a string', { sources, privacy: { eventCategories: { 'Ad Clicked': true } } }, /privacy\.eventCategories\.Ad Clicked: must be a string/],
    ['an empty category', { sources, privacy: { eventCategories: { page: '' } } }, /privacy\.eventCategories\.page: must NOT have fewer than 1 characters/],
    ['eventCategories as a list', { sources, privacy: { eventCategories: ['marketing'] } }, /privacy\.eventCategories: must be an object/],
    ['a misspelt privacy key', { sources, privacy: { eventCategory: {} } }, /privacy\.eventCategory: is not a known setting/],
  ])('names the fault in a config file with %s', async (_label, content, message) => {
    const path = configFile(content);
    const failure = setup(['--config', path]);
    await expect(failure).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringMatching(message) });
    await expect(failure).rejects.toThrow(path);
  });

  it('accepts the self-hosted example config in production, with the admin token from the environment', async () => {
    const example = fileURLToPath(new URL('../../../../examples/self-hosted/cairn.config.json', import.meta.url));
    const result = await setup(['--config', example], { NODE_ENV: 'production', CAIRN_ADMIN_TOKEN: ADMIN_TOKEN, DATABASE_URL: 'postgres://db/cairn' });
    expect(result).toMatchObject({ mode: 'config', production: true, trustProxy: ['uniquelocal'], retentionDays: 395, databaseUrl: 'postgres://db/cairn' });
  });

  it('reads trusted proxies from a flag or variable as a comma-separated list; false is none', async () => {
    expect((await setup(['--trust-proxy', ' 10.0.0.1, 192.168.0.0/16 ,loopback'])).trustProxy).toEqual(['10.0.0.1', '192.168.0.0/16', 'loopback']);
    expect((await setup([], { CAIRN_TRUST_PROXY: 'fd00::/8' })).trustProxy).toEqual(['fd00::/8']);
    expect((await setup([], { CAIRN_TRUST_PROXY: 'false' })).trustProxy).toEqual([]);
  });

  it.each([
    ['a hop count (true)', ['--trust-proxy', 'true'], /"true" is a hop count, no longer accepted .*e\.g\. --trust-proxy 10\.0\.0\.0\/8/],
    ['a hop count (2)', ['--trust-proxy', '2'], /"2" is a hop count/],
    ['a word that is no address', ['--trust-proxy', 'yes'], /"yes" is not an IP address, a CIDR .* or one of loopback, linklocal, uniquelocal/],
    ['a bad CIDR', ['--trust-proxy', '10.0.0.0/33'], /"10\.0\.0\.0\/33" is not an IP address/],
  ])('refuses %s as trusted proxies', async (_label, argv, message) => {
    await expect(setup(argv)).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringMatching(message) });
  });

  it('refuses a hop count in a config file too', async () => {
    await expect(setup(['--config', configFile({ sources, trustProxy: 1 })])).rejects.toThrow(/"1" is a hop count/);
  });

  it('reports every bad key at once', async () => {
    const path = configFile({ sources: [{ name: '', writeKey: 'k' }], port: -5 });
    await expect(setup(['--config', path])).rejects.toThrow(/sources\[0\]\.name: must NOT have fewer than 1 characters; port: must be >= 0/);
  });
});
