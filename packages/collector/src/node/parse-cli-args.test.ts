import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './parse-cli-args.js';

describe('parseCliArgs', () => {
  it('has the documented defaults', () => {
    expect(parseCliArgs([], {})).toEqual({
      help: false,
      port: 8787,
      host: undefined,
      dbPath: './cairn.db',
      databaseUrl: undefined,
      configPath: undefined,
      writeKey: undefined,
      allowedOrigins: [],
      adminToken: undefined,
      rateLimit: undefined,
      production: false,
    });
  });

  it('reads every flag, --allowed-origin repeated', () => {
    const args = parseCliArgs(
      [
        '--port', '0', '--host', '0.0.0.0', '--db', '/tmp/x.db', '--database-url', 'postgres://h/db',
        '--config', 'c.json', '--write-key', 'KEY', '--allowed-origin', 'https://a.example',
        '--allowed-origin', 'https://b.example', '--admin-token', 'T', '--rate-limit', '0', '--production', '-h',
      ],
      {},
    );
    expect(args).toEqual({
      help: true,
      port: 0,
      host: '0.0.0.0',
      dbPath: '/tmp/x.db',
      databaseUrl: 'postgres://h/db',
      configPath: 'c.json',
      writeKey: 'KEY',
      allowedOrigins: ['https://a.example', 'https://b.example'],
      adminToken: 'T',
      rateLimit: 0,
      production: true,
    });
  });

  it('falls back to the environment, a flag winning over its variable', () => {
    const env = {
      PORT: '9000',
      HOST: '::1',
      DATABASE_URL: 'postgres://env/db',
      CAIRN_CONFIG: 'env.json',
      CAIRN_WRITE_KEY: 'ENVKEY',
      CAIRN_ADMIN_TOKEN: 'ENVTOKEN',
      CAIRN_RATE_LIMIT: '50',
      NODE_ENV: 'production',
    };
    expect(parseCliArgs([], env)).toMatchObject({
      port: 9000,
      host: '::1',
      databaseUrl: 'postgres://env/db',
      configPath: 'env.json',
      writeKey: 'ENVKEY',
      adminToken: 'ENVTOKEN',
      rateLimit: 50,
      production: true,
    });
    expect(parseCliArgs(['--port', '1234', '--write-key', 'FLAG'], env)).toMatchObject({ port: 1234, writeKey: 'FLAG' });
  });

  it.each([
    [['--port', 'http']],
    [['--port', '70000']],
    [['--port', '-1']],
    [['--rate-limit', '1.5']],
    [['--unknown']],
    [['positional']],
    [['--write-key']],
  ])('refuses %j with CollectorError invalid_argument', (argv) => {
    expect(() => parseCliArgs(argv, {})).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
