import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
const setup = (argv: string[], env: Record<string, string> = {}) => resolveSetup(parseCliArgs(argv, env));

describe('resolveSetup', () => {
  it('runs in development mode with the default key, warning about it and about open origins', async () => {
    const result = await setup([]);
    expect(result).toMatchObject({
      mode: 'development',
      host: '127.0.0.1',
      sources: [{ name: 'default', writeKey: DEV_WRITE_KEY }],
    });
    expect(result.warnings.map((w) => w.msg)).toEqual([
      expect.stringContaining('development mode'),
      expect.stringContaining('any origin'),
    ]);
    expect(result.warnings[0]?.fields).toMatchObject({ writeKey: 'cairn-dev' });
  });

  it('makes --write-key a one-site setup named "default", with its allowed origins', async () => {
    const result = await setup(['--write-key', 'KEY', '--allowed-origin', 'https://shop.example']);
    expect(result).toMatchObject({
      mode: 'one-site',
      sources: [{ name: 'default', writeKey: 'KEY', allowedOrigins: ['https://shop.example'] }],
      warnings: [],
    });
  });

  it('reads sources and the admin token from a config file', async () => {
    const path = configFile({
      sources: [
        { name: 'shop', writeKey: 'k1', allowedOrigins: ['https://shop.example'] },
        { name: 'api', writeKey: 'k2' },
      ],
      adminToken: 'secret',
    });
    const result = await setup(['--config', path, '--production']);
    expect(result).toMatchObject({ mode: 'config', host: '0.0.0.0', adminToken: 'secret', production: true });
    expect(result.sources.map((s) => s.name)).toEqual(['shop', 'api']);
    expect(result.warnings).toEqual([expect.objectContaining({ fields: { sources: ['api'] } })]);
  });

  it.each([
    ['no sources, no token', ['--production'], 'production_requirements', /write key.*admin token/],
    ['no admin token', ['--production', '--write-key', 'K'], 'production_requirements', /admin token/],
    ['the development key', ['--production', '--write-key', 'cairn-dev', '--admin-token', 'T'], 'production_requirements', /development write key/],
    ['--database-url', ['--database-url', 'postgres://x/y'], 'unsupported_store', /PostgreSQL store not yet available/],
    ['--config with --write-key', ['--config', 'x.json', '--write-key', 'K'], 'invalid_argument', /exclusive/],
    ['a missing config file', ['--config', '/nonexistent/cairn.json'], 'invalid_config', /cannot read/],
  ])('refuses %s', async (_label, argv, code, message) => {
    await expect(setup(argv)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('refuses production from NODE_ENV too', async () => {
    await expect(setup([], { NODE_ENV: 'production' })).rejects.toMatchObject({ code: 'production_requirements' });
  });

  it.each([
    ['not JSON', '{'],
    ['no sources', { sources: [] }],
    ['a source without key', { sources: [{ name: 'a' }] }],
    ['origins not strings', { sources: [{ name: 'a', writeKey: 'k', allowedOrigins: [1] }] }],
    ['an empty admin token', { sources: [{ name: 'a', writeKey: 'k' }], adminToken: '' }],
  ])('names the fault in a config file with %s', async (_label, content) => {
    await expect(setup(['--config', configFile(content)])).rejects.toMatchObject({ code: 'invalid_config' });
  });

  it('warns that a positive --rate-limit is not enforced yet', async () => {
    const result = await setup(['--write-key', 'K', '--allowed-origin', 'https://a.example', '--rate-limit', '10']);
    expect(result.warnings).toEqual([expect.objectContaining({ msg: expect.stringContaining('rate limiting') })]);
  });
});
