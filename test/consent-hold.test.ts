// Issue #4, the opt-in of "storage while undecided", in real Chromium against the real
// collector CLI: an npm-built page with `holdUndecided: holdIn(createIdbQueue(…))` keeps the
// events tracked before a decision in IndexedDB across a page load (nothing reaches the
// collector, nothing identifying in localStorage), and a grant on the next page sends them,
// stamped with it, under the visitor's one anonymousId. The default (memory only) is proved in
// consent-required.test.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../scripts/chromium.mjs';
import { countIdbRecords, sleep, startConsentRig, until, type ConsentRig } from './consent/consent-rig.js';

type Cairn = {
  page(name?: string): void;
  track(event: string, properties?: object): void;
  setConsent(preferences: Record<string, boolean>): void;
  flush(): Promise<void>;
};
declare const cairn: Cairn;

const IDENTIFYING = ['cairn:aid', 'cairn:uid', 'cairn:session'];

let browser: Browser;
let rig: ConsentRig;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-hold-'));
  const outfile = join(dir, 'hold.js');
  // Bundled as a site's bundler would: @cairn/browser from its built ESM.
  await build({ entryPoints: [fileURLToPath(new URL('./consent/site/hold-page.ts', import.meta.url))], bundle: true, format: 'iife', outfile, logLevel: 'warning' });
  browser = await launchChromium();
  rig = await startConsentRig(browser, '/hold.html?utm_source=newsletter&gclid=Cj0KHold', [], { '**/hold.js': outfile });
});
afterAll(async () => {
  await rig?.dispose();
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Records in the page's `cairn-undecided` IndexedDB database (0 if it does not exist). */
const heldRecords = () => countIdbRecords(rig.page, 'cairn-undecided');

describe('undecided events kept in IndexedDB (opt-in), in Chromium', () => {
  it('survive a page load without reaching the collector, and leave no identifier in localStorage', async () => {
    await rig.page.evaluate(() => {
      cairn.page('Landing');
      for (let n = 0; n < 3; n++) cairn.track('Product Viewed', { n });
    });
    await until('4 held records', heldRecords, (count) => count === 4, rig.diagnose);
    await rig.page.goto(rig.site.url + '/hold.html');
    await rig.page.waitForFunction(() => typeof (window as unknown as { cairn?: { flush?: unknown } }).cairn?.flush == 'function');
    await sleep(800);
    expect(rig.received(), rig.diagnose()).toEqual([]);
    expect(await heldRecords()).toBe(4);
    const traces = await rig.traces();
    expect(Object.keys(traces.localStorage).filter((key) => IDENTIFYING.includes(key))).toEqual([]);
    expect(traces.cookies).toBe('');
  });

  it('a grant on the next page sends them once, stamped with it, under the anonymousId now kept', async () => {
    await rig.page.evaluate(() => cairn.setConsent({ analytics: true }));
    const viewed = await rig.waitForStored(3, 'Product Viewed');
    const landing = rig.stored().filter((event) => event.type === 'page');
    expect(landing.map((event) => event.name)).toEqual(['Landing']);
    // The landing page's campaign came along: the reason to keep them.
    expect(landing[0]?.context?.campaign).toEqual({ source: 'newsletter', gclid: 'Cj0KHold' });
    const aid = (await rig.traces()).localStorage['cairn:aid'];
    expect(aid).toBeTruthy();
    for (const event of [...landing, ...viewed]) {
      expect(event.anonymousId).toBe(aid);
      expect(event.context?.consent).toEqual({ categoryPreferences: { necessary: true, analytics: true, marketing: false } });
    }
    expect(viewed.map((event) => event.properties?.n).sort()).toEqual([0, 1, 2]);
    await until('no held records', heldRecords, (count) => count === 0, rig.diagnose);
    await rig.page.evaluate(() => cairn.flush());
    expect(new Set(rig.received()).size).toBe(rig.received().length);
  });
});
