import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HELP_TEXT } from './help-text.js';
import { parseCliArgs } from './parse-cli-args.js';
import { SETTINGS } from './settings-table.js';

describe('parseCliArgs', () => {
  it('leaves every setting undefined when nothing is given (defaults come later)', () => {
    expect(parseCliArgs([], {})).toEqual({
      help: false,
      configPath: undefined,
      writeKey: undefined,
      allowedOrigins: [],
      sources: undefined,
      production: false,
      settings: {},
    });
  });

  it('reads every flag into the config file shape, typed, --allowed-origin repeated', () => {
    const args = parseCliArgs(
      [
        '--port', '0', '--host', '0.0.0.0', '--db', '/tmp/x.db', '--database-url', 'postgres://h/db',
        '--config', 'c.json', '--write-key', 'KEY', '--allowed-origin', 'https://a.example',
        '--allowed-origin', 'https://b.example', '--admin-token', 'T', '--metrics-token', 'M', '--rate-limit', '0',
        '--rate-limit-burst', '5', '--source-rate-limit', '200', '--max-queued-events', '5000',
        '--sqlite-synchronous', 'normal', '--sqlite-worker', 'true', '--retention-days', '30', '--trust-proxy', '10.0.0.0/8,loopback',
        '--tracking-plan', 'plan.json', '--shutdown-timeout', '3', '--ip', 'drop', '--record-ip', 'true', '--production', '-h',
      ],
      {},
    );
    expect(args).toEqual({
      help: true,
      configPath: 'c.json',
      writeKey: 'KEY',
      allowedOrigins: ['https://a.example', 'https://b.example'],
      sources: undefined,
      production: true,
      settings: {
        port: 0,
        host: '0.0.0.0',
        adminToken: 'T',
        metricsToken: 'M',
        trustProxy: '10.0.0.0/8,loopback',
        trackingPlan: 'plan.json',
        shutdownTimeoutSeconds: 3,
        storage: { db: '/tmp/x.db', databaseUrl: 'postgres://h/db', synchronous: 'normal', sqliteWorker: true, retentionDays: 30 },
        limits: { rateLimit: 0, rateLimitBurst: 5, sourceRateLimit: 200, maxQueuedEvents: 5000 },
        privacy: { ip: 'drop', recordIp: true },
      },
    });
  });

  it('falls back to the environment, a flag winning over its variable', () => {
    const env = {
      PORT: '9000',
      HOST: '::1',
      CAIRN_DB: '/data/cairn.db',
      DATABASE_URL: 'postgres://env/db',
      CAIRN_CONFIG: 'env.json',
      CAIRN_WRITE_KEY: 'ENVKEY',
      CAIRN_ALLOWED_ORIGINS: 'https://a.example, https://b.example',
      CAIRN_ADMIN_TOKEN: 'ENVTOKEN',
      CAIRN_RATE_LIMIT: '50',
      CAIRN_TRUST_PROXY: '10.1.2.3',
      CAIRN_RETENTION_DAYS: '395',
      NODE_ENV: 'production',
    };
    expect(parseCliArgs([], env)).toMatchObject({
      configPath: 'env.json',
      writeKey: 'ENVKEY',
      allowedOrigins: ['https://a.example', 'https://b.example'],
      production: true,
      settings: {
        port: 9000,
        host: '::1',
        adminToken: 'ENVTOKEN',
        trustProxy: '10.1.2.3',
        storage: { db: '/data/cairn.db', databaseUrl: 'postgres://env/db', retentionDays: 395 },
        limits: { rateLimit: 50 },
      },
    });
    expect(parseCliArgs(['--port', '1234', '--write-key', 'FLAG'], env)).toMatchObject({
      writeKey: 'FLAG',
      settings: { port: 1234 },
    });
  });

  it('reads CAIRN_SOURCES as a JSON list, naming the bad key', () => {
    const sources = [{ name: 'shop', writeKey: 'k1', allowedOrigins: ['https://shop.example'], rateLimit: 100 }];
    expect(parseCliArgs([], { CAIRN_SOURCES: JSON.stringify(sources) }).sources).toEqual(sources);
    expect(() => parseCliArgs([], { CAIRN_SOURCES: '[{"name":"a","writeKey":"k"},{"name":"b","writeKey":7}]' })).toThrow(
      'CAIRN_SOURCES: CAIRN_SOURCES[1].writeKey: must be a string',
    );
    expect(() => parseCliArgs([], { CAIRN_SOURCES: '{' })).toThrow(/CAIRN_SOURCES is not JSON/);
  });

  it.each([
    [['--port', 'http'], /--port \(port\): must be an integer/],
    [['--port', '70000'], /--port \(port\): must be <= 65535/],
    [['--port', '-1'], /ambiguous/],
    [['--rate-limit', '1.5'], /--rate-limit \(limits.rateLimit\): must be an integer/],
    [['--sqlite-synchronous', 'off'], /must be one of "full", "normal"/],
    [['--ip', 'hash'], /--ip \(privacy\.ip\): must be one of "truncate", "drop", "full"/],
    [['--record-ip', 'maybe'], /--record-ip \(privacy\.recordIp\): must be a boolean/],
    [['--unknown'], /--unknown/],
    [['positional'], /positional/],
    [['--write-key'], /--write-key/],
  ])('refuses %j with CollectorError invalid_argument', (argv, message) => {
    expect(() => parseCliArgs(argv, {})).toThrow(expect.objectContaining({ code: 'invalid_argument', message: expect.stringMatching(message) }));
  });

  it('names the environment variable when the bad value came from it', () => {
    expect(() => parseCliArgs([], { CAIRN_RATE_LIMIT: 'lots' })).toThrow(/CAIRN_RATE_LIMIT \(limits.rateLimit\): must be an integer/);
    expect(() => parseCliArgs([], { CAIRN_IP: 'anonymize' })).toThrow(/CAIRN_IP \(privacy\.ip\): must be one of/);
  });

  it('reads the IP settings from CAIRN_IP and CAIRN_RECORD_IP', () => {
    expect(parseCliArgs([], { CAIRN_IP: 'full', CAIRN_RECORD_IP: 'true' }).settings).toEqual({ privacy: { ip: 'full', recordIp: true } });
  });

  it('documents every flag and its variable in --help', () => {
    for (const spec of SETTINGS) {
      expect(HELP_TEXT).toContain(`--${spec.flag}`);
      expect(HELP_TEXT).toContain(spec.env);
    }
    for (const flag of ['--config', '--write-key', '--allowed-origin', '--production', '--help']) expect(HELP_TEXT).toContain(flag);
  });

  it('documents every flag, variable and config key in docs/operations.md', () => {
    const docs = readFileSync(new URL('../../../../docs/operations.md', import.meta.url), 'utf8');
    for (const spec of SETTINGS) {
      for (const text of [`--${spec.flag}`, spec.env, `\`${spec.key}\``]) expect(docs).toContain(text);
    }
  });
});
