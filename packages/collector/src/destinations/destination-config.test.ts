import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../node/load-config.js';
import { resolveSetup } from '../node/resolve-setup.js';
import { parseCliArgs } from '../node/parse-cli-args.js';

const dir = mkdtempSync(join(tmpdir(), 'cairn-destination-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sources = [{ name: 'web', writeKey: 'k' }];
let n = 0;
const write = (destinations: unknown) => {
  const path = join(dir, `config-${n++}.json`);
  writeFileSync(path, JSON.stringify({ sources, destinations }));
  return path;
};

describe('destinations in the config file', () => {
  it('reads a valid list into the setup, warning about an unsigned webhook', async () => {
    const destinations = [
      { name: 'crm', kind: 'webhook', url: 'https://crm.example/hook', consent: 'marketing', dropProperties: ['email'], retryMaxSeconds: 60 },
      { name: 'seg', kind: 'segment', url: 'https://api.segment.io', writeKey: 'wk', sources: ['web'], types: ['track', 'identify'] },
      { name: 'stream', kind: 'nats', url: 'nats://127.0.0.1:4222', subject: 'cairn.events', sampleRate: 0.25 },
    ];
    const setup = await resolveSetup(parseCliArgs(['--config', write(destinations)], {}));
    expect(setup.destinations).toEqual(destinations);
    expect(setup.warnings.map((w) => w.msg)).toContainEqual(expect.stringContaining('without a secret'));
  });

  it('reads secretEnv and writeKeyEnv from the environment, so secrets stay out of the file', async () => {
    process.env.CAIRN_TEST_HOOK_SECRET = 'from-the-environment-0123';
    process.env.CAIRN_TEST_SEGMENT_KEY = 'seg-key';
    try {
      const config = await loadConfig(
        write([
          { name: 'a', kind: 'webhook', url: 'https://x', secretEnv: 'CAIRN_TEST_HOOK_SECRET' },
          { name: 'b', kind: 'segment', url: 'https://y', writeKeyEnv: 'CAIRN_TEST_SEGMENT_KEY' },
        ]),
      );
      expect(config.destinations).toEqual([
        { name: 'a', kind: 'webhook', url: 'https://x', secret: 'from-the-environment-0123' },
        { name: 'b', kind: 'segment', url: 'https://y', writeKey: 'seg-key' },
      ]);
    } finally {
      delete process.env.CAIRN_TEST_HOOK_SECRET;
      delete process.env.CAIRN_TEST_SEGMENT_KEY;
    }
  });

  it('warns about a destination that names a source the collector does not have', async () => {
    const setup = await resolveSetup(parseCliArgs(['--config', write([{ name: 'a', kind: 'webhook', url: 'https://x', secret: 'x'.repeat(16), sources: ['web', 'shpo'] }])], {}));
    expect(setup.warnings).toContainEqual({ msg: expect.stringContaining('sources that are not configured'), fields: { destination: 'a', sources: ['shpo'] } });
  });

  it.each([
    ['an unknown kind', [{ name: 'a', kind: 'kafka', url: 'https://x' }], /destinations\[0\]\.kind: must be one of "webhook", "segment", "nats"/],
    ['a segment without writeKey', [{ name: 'a', kind: 'segment', url: 'https://x' }], /destinations "a": writeKey \(or writeKeyEnv\) is required/],
    ['a secretEnv naming an unset variable', [{ name: 'a', kind: 'webhook', url: 'https://x', secretEnv: 'CAIRN_TEST_UNSET_SECRET' }], /secretEnv: the environment variable CAIRN_TEST_UNSET_SECRET is not set/],
    ['both secret and secretEnv', [{ name: 'a', kind: 'webhook', url: 'https://x', secret: 'x'.repeat(16), secretEnv: 'HOME' }], /give secret or secretEnv, not both/],
    ['a nats without subject', [{ name: 'a', kind: 'nats', url: 'nats://x:4222' }], /destinations\[0\]\.subject: is required/],
    ['a webhook URL that is not http', [{ name: 'a', kind: 'webhook', url: 'ftp://x' }], /destinations\[0\]\.url: must match/],
    ['a misspelt rule', [{ name: 'a', kind: 'webhook', url: 'https://x', sourcs: ['web'] }], /destinations\[0\]\.sourcs: is not a known setting/],
    ['a sample rate over 1', [{ name: 'a', kind: 'webhook', url: 'https://x', sampleRate: 2 }], /sampleRate: must be <= 1/],
    ['a short secret', [{ name: 'a', kind: 'webhook', url: 'https://x', secret: 'short' }], /secret: must NOT have fewer than 16 characters/],
    ['an unknown type', [{ name: 'a', kind: 'webhook', url: 'https://x', types: ['click'] }], /types\[0\]: must be one of/],
    ['two destinations with one name', [{ name: 'a', kind: 'webhook', url: 'https://x' }, { name: 'a', kind: 'webhook', url: 'https://y' }], /two destinations are named "a"/],
    ['retry bounds out of order', [{ name: 'a', kind: 'webhook', url: 'https://x', retryMinSeconds: 10, retryMaxSeconds: 1 }], /retryMinSeconds \(10\) is above retryMaxSeconds \(1\)/],
    ['a subject on a webhook', [{ name: 'a', kind: 'webhook', url: 'https://x', subject: 's' }], /subject is for kind "nats" only/],
  ])('refuses %s, naming the key', async (_label, destinations, message) => {
    await expect(loadConfig(write(destinations))).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringMatching(message) });
  });
});
