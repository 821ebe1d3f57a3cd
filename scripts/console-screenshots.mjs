// Takes the console screenshots in docs/screenshots/ (README): the built collector CLI on a
// temp database with a week of demo events and a few rejected ones, signed in through the
// sign-in page in headless Chromium. Run after `npm run build`: node scripts/console-screenshots.mjs
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { startCollector } from './collector-process.mjs';

const TOKEN = 'screenshot-admin-token';
const KEY = 'demo-key';
const out = new URL('../docs/screenshots/', import.meta.url);
const dir = await mkdtemp(join(tmpdir(), 'cairn-shots-'));
await writeFile(join(dir, 'plan.json'), JSON.stringify({ mode: 'allow', unknownEvents: 'quarantine', events: Object.fromEntries(['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed', 'Signed In', 'Newsletter Subscribed'].map((name) => [name, {}])) }));
await writeFile(join(dir, 'cairn.config.json'), JSON.stringify({ sources: [{ name: 'web', writeKey: KEY }, { name: 'app', writeKey: 'app-key' }], adminToken: TOKEN, trackingPlan: 'plan.json' }));
const collector = await startCollector({ args: ['--config', join(dir, 'cairn.config.json'), '--port', '0', '--db', join(dir, 'cairn.db'), '--rate-limit', '0'] });

const names = ['Product Viewed', 'Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed', 'Signed In', 'Newsletter Subscribed'];
const devices = ['mobile', 'mobile', 'desktop', 'tablet', 'desktop'];
const campaigns = [undefined, { source: 'newsletter', medium: 'email', name: 'spring-sale' }, { source: 'google', medium: 'cpc', name: 'brand', gclid: 'Cj0KCQ' }, { source: 'facebook', medium: 'social', fbclid: 'IwAR2' }, undefined];
/** @type {(n: number, time: number) => Record<string, unknown>} */
const demoEvent = (n, time) => {
  const page = n % 3 === 0;
  return {
    type: page ? 'page' : 'track',
    ...(page ? { name: ['Home', 'Pricing', 'Trail shoe'][n % 3 === 0 ? (n / 3) % 3 : 0] } : { event: names[n % names.length] }),
    messageId: `demo-${n}`,
    anonymousId: `anon-${(n * 7) % 180}`,
    ...(n % 4 === 0 ? { userId: `user-${n % 60}` } : {}),
    timestamp: new Date(time).toISOString(),
    properties: page ? { path: '/' } : { product_id: `sku-${n % 12}`, price: 19.9 + (n % 5) * 10, currency: 'EUR' },
    context: {
      device: { type: devices[n % devices.length] },
      consent: { categoryPreferences: { analytics: true, marketing: n % 5 < 3 } },
      ...(campaigns[n % campaigns.length] ? { campaign: campaigns[n % campaigns.length] } : {}),
      page: { path: '/', url: 'https://shop.example/' },
    },
  };
};
/** @type {(batch: unknown[], key?: string) => Promise<void>} */
const send = async (batch, key = KEY) => {
  const res = await fetch(`${collector.url}/v1/batch`, { method: 'POST', body: JSON.stringify({ writeKey: key, batch }) });
  if (res.status !== 200) throw new Error(`batch answered ${res.status}`);
};
const now = Date.now();
const week = 7 * 86_400_000;
for (let first = 0; first < 3000; first += 100) {
  const batch = [];
  // More traffic on recent days and in the daytime, as a real shop has.
  for (let n = first; n < first + 100; n++) batch.push(demoEvent(n, now - Math.floor(Math.pow((n * 7919) % 3000 / 3000, 1.5) * week)));
  await send(batch, first % 500 === 0 ? 'app-key' : KEY);
}
await send([demoEvent(1, now - 1000), demoEvent(2, now - 2000)], 'app-key'); // resends: duplicates
await send([
  { type: 'track', event: 'Wishlist Shared', messageId: 'q-1', anonymousId: 'anon-3', timestamp: new Date(now - 60_000).toISOString(), properties: { product_id: 'sku-4' } },
  { type: 'track', event: 'Wishlist Shared', messageId: 'q-2', anonymousId: 'anon-9', timestamp: new Date(now - 50_000).toISOString() },
  { type: 'track', event: 'add_to_cart!', messageId: 'q-3', anonymousId: 'anon-11', timestamp: new Date(now - 40_000).toISOString() },
  { type: 'track', messageId: 'q-4', anonymousId: 'anon-12', timestamp: new Date(now - 30_000).toISOString() },
]);

const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
  const page = await context.newPage();
  await page.goto(`${collector.url}/console`);
  await page.screenshot({ path: new URL('sign-in.png', out).pathname });
  await page.fill('input[name="token"]', TOKEN);
  await Promise.all([page.waitForURL(/\/console$/), page.click('button[type="submit"]')]);
  await page.waitForSelector('[data-testid="live-status"].live');
  const recent = [];
  for (let n = 0; n < 6; n++) recent.push(demoEvent(5000 + n, Date.now() - 500 + n * 50));
  await send(recent);
  await page.locator('[data-testid="live-rows"] tr[data-message-id="demo-5005"]').waitFor();
  await page.screenshot({ path: new URL('live-events.png', out).pathname });
  await page.locator('[data-testid="live-rows"] tr[data-message-id="demo-5002"]').click();
  await page.waitForSelector('[data-testid="event-detail"] [data-step]');
  await page.screenshot({ path: new URL('event-detail.png', out).pathname });
  await page.keyboard.press('Escape');
  await page.click('nav a[data-page="quarantine"]');
  await page.waitForSelector('[data-testid="quarantine-codes"] [data-code]');
  await page.locator('[data-testid="quarantine-rows"] tr[data-message-id="q-1"] button').click();
  await page.screenshot({ path: new URL('quarantine.png', out).pathname });
  await page.setViewportSize({ width: 1280, height: 1500 });
  await page.click('nav a[data-page="overview"]');
  await page.waitForSelector('figure[data-chart="quality"] canvas');
  await page.screenshot({ path: new URL('overview.png', out).pathname, fullPage: true });

  // Segments: the abandoned-cart-on-a-phone example in the builder, previewed and saved
  // (the builder and the first people: the page, not all 40 rows).
  await page.setViewportSize({ width: 1280, height: 1400 });
  // Traits for the people table (sent now, so that the live and overview shots above are as before).
  await send(Array.from({ length: 60 }, (_, n) => ({ type: 'identify', messageId: `identify-${n}`, userId: `user-${n}`, timestamp: new Date(now - 3_600_000).toISOString(), traits: { plan: ['free', 'pro', 'team'][n % 3], email: `user-${n}@example.com` } })));
  await page.click('nav a[data-page="segments"]');
  await page.getByRole('button', { name: 'Start from the example' }).click();
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByTestId('segment-count').waitFor();
  await page.getByLabel('Segment name').fill('abandoned-cart-mobile');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('button', { name: 'Load abandoned-cart-mobile' }).waitFor();
  await page.screenshot({ path: new URL('segments.png', out).pathname });

  // Funnels: three steps, the second filtered on price, broken down by device type.
  await page.click('nav a[data-page="funnels"]');
  const step = (/** @type {number} */ n) => page.getByRole('group', { name: `Step ${n}`, exact: true });
  await step(1).getByLabel('Event', { exact: true }).fill('Product Viewed');
  await step(2).getByLabel('Event', { exact: true }).fill('Product Added');
  await page.getByRole('button', { name: 'Add step' }).click();
  await step(3).getByLabel('Event', { exact: true }).fill('Order Completed');
  await step(2).getByRole('button', { name: 'Add a filter (where …)' }).click();
  const filter = step(2).getByRole('group', { name: 'Filter 1', exact: true });
  await filter.getByLabel('Path', { exact: true }).fill('properties.price');
  await filter.getByLabel('Operator', { exact: true }).selectOption({ label: '≥' });
  await filter.getByLabel('Value', { exact: true }).fill('20');
  await page.getByLabel('Breakdown', { exact: true }).selectOption({ label: 'device type' });
  await page.getByRole('button', { name: 'Show' }).click();
  await page.locator('figure[data-chart="funnel"]').waitFor();
  await page.screenshot({ path: new URL('funnels.png', out).pathname, fullPage: true });
  console.log(`screenshots written to ${out.pathname}`);
} finally {
  await browser.close();
  await collector.stop();
  await rm(dir, { recursive: true, force: true });
}
