import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowserRigs } from './helpers/browser-rigs.js';
import { openSignedIn, startConsoleCollector, type ConsoleCollector } from './helpers/console-rig.js';

interface Rig {
  collector: ConsoleCollector;
  receiverHits: () => number;
  dispose(): Promise<void>;
}
const rigs = useBrowserRigs<Rig>();

/** The collector CLI with one webhook destination whose receiver refuses every batch (400: dead letters). */
async function start(withDestination = true): Promise<Rig> {
  let hits = 0;
  const receiver = createServer((req, res) => {
    hits += 1;
    req.resume();
    req.on('end', () => res.writeHead(400, { 'content-type': 'text/plain' }).end('refused by the test receiver'));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const closeReceiver = () => new Promise<void>((resolve) => receiver.close(() => resolve()));
  try {
    const collector = await startConsoleCollector(
      { mode: 'allow' },
      withDestination ? { destinations: [{ name: 'crm-hook', kind: 'webhook', url, retryMinSeconds: 1 }] } : {},
    );
    return { collector, receiverHits: () => hits, dispose: async () => (await collector.dispose(), await closeReceiver()) };
  } catch (error) {
    await closeReceiver();
    throw error;
  }
}

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const mobile = { device: { type: 'mobile' }, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148' };

/**
 * Alice adds to cart on her phone, anonymously, then signs in (stitched to her userId) and
 * never orders: she is in the abandoned-cart-from-a-phone segment. Bob adds to cart and orders.
 */
const SEED = [
  { type: 'track', event: 'Product Added', messageId: 'alice-add', anonymousId: 'anon-alice', timestamp: ago(180), context: mobile, properties: { product_id: 'p1' } },
  { type: 'track', event: 'Signed In', messageId: 'alice-in', anonymousId: 'anon-alice', userId: 'alice', timestamp: ago(170), context: mobile },
  { type: 'track', event: 'Product Added', messageId: 'bob-add', anonymousId: 'anon-bob', userId: 'bob', timestamp: ago(180), context: mobile, properties: { product_id: 'p2' } },
  { type: 'track', event: 'Signed In', messageId: 'bob-in', anonymousId: 'anon-bob', userId: 'bob', timestamp: ago(179), context: mobile },
  { type: 'track', event: 'Order Completed', messageId: 'bob-order', anonymousId: 'anon-bob', userId: 'bob', timestamp: ago(170), context: mobile, properties: { order_id: 'o1', revenue: 10 } },
];

const cells = (page: Page, selector: string) =>
  page.locator(`${selector} tbody tr`).evaluateAll((rows) => rows.map((row) => Array.from(row.querySelectorAll('td'), (td) => td.textContent ?? '')));

describe('the segments, funnels and destinations pages in Chromium, against the collector CLI', () => {
  it('previews a segment, lists faults, saves it and exports it; counts a funnel; shows a destination and replays its dead letters', async () => {
    const { collector, receiverHits } = await rigs.hold(start());
    expect(await collector.send(SEED)).toMatchObject({ accepted: SEED.length, rejected: [] });
    const { page, problems } = await openSignedIn(rigs.browser(), rigs.after, collector.url);

    // Segments: "Start from the example" fills the builder and its JSON; preview finds Alice only (Bob ordered).
    await page.click('nav a[data-page="segments"]');
    await page.getByRole('button', { name: 'Start from the example' }).click();
    await page.getByText('JSON (advanced)').click();
    const definition = page.locator('textarea[name="definition"]');
    expect(JSON.parse(await definition.inputValue())).toMatchObject({ all: [{ did: 'Product Added', thenNot: 'Order Completed' }, { did: 'Signed In' }] });
    await page.click('[data-testid="segment-builder"] button[type="submit"]');
    await page.waitForSelector('[data-testid="segment-count"]');
    expect(await page.locator('[data-testid="segment-count"]').textContent(), problems.join('\n')).toBe('1 person');
    const people = await cells(page, '[data-testid="segment-people"]');
    expect(people.map((row) => row.slice(0, 2))).toEqual([['alice', 'anon-alice']]);

    // A malformed definition typed as JSON (it does not fit the builder): every fault listed by its path, nothing counted.
    await definition.fill('{"all":[{"did":"Product Added","within":"seven days"},{"trait":"plan"}]}');
    await page.click('[data-testid="segment-builder"] button[type="submit"]');
    await page.waitForSelector('[data-testid="faults"]');
    const paths = await page.locator('[data-testid="faults"] li').evaluateAll((items) => items.map((item) => item.getAttribute('data-path')));
    expect(paths).toEqual(expect.arrayContaining(['all[0].within']));
    expect(paths.some((path) => path?.startsWith('all[1]'))).toBe(true);
    expect(await page.locator('[data-testid="segment-count"]').count()).toBe(0);

    // Save the example under a name; it is listed with exports that the session may download.
    await page.click('nav a[data-page="live"]');
    await page.click('nav a[data-page="segments"]');
    await page.getByRole('button', { name: 'Start from the example' }).click();
    await page.fill('input[name="name"]', 'abandoned-on-phone');
    await page.click('button:has-text("Save")');
    await page.waitForSelector('[data-testid="notice"]:has-text("Saved segment abandoned-on-phone")');
    const csvLink = page.locator('[data-testid="saved-segments"] tr', { hasText: 'abandoned-on-phone' }).locator('a[data-format="csv"]');
    const href = await csvLink.getAttribute('href');
    expect(href).toBe('/admin/api/segments/abandoned-on-phone/people?format=csv');
    const csv = await page.evaluate(async (url) => {
      const res = await fetch(url);
      return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
    }, href!);
    expect(csv).toMatchObject({ status: 200, type: expect.stringContaining('text/csv') });
    expect(csv.body.split('\r\n').slice(0, 2)).toEqual([
      'user_id,anonymous_ids,first_seen,last_seen,traits',
      // anonymous_ids is a JSON array, quoted as one CSV cell (docs/admin-api.md).
      expect.stringMatching(/^alice,"\[""anon-alice""\]",/),
    ]);
    expect(await page.locator('[data-testid="saved-segments"] a[data-format="ndjson"]').count()).toBe(1);

    // Funnels: Product Added → Order Completed: 2 people, then 1 (50 %), 10 minutes for Bob.
    await page.click('nav a[data-page="funnels"]');
    await page.getByRole('group', { name: 'Step 1', exact: true }).getByLabel('Event', { exact: true }).fill('Product Added');
    await page.getByRole('group', { name: 'Step 2', exact: true }).getByLabel('Event', { exact: true }).fill('Order Completed');
    await page.getByLabel('Conversion window', { exact: true }).fill('7');
    await page.click('[data-testid="funnel-builder"] button[type="submit"]');
    await page.waitForSelector('[data-testid="funnel-steps"]');
    expect(await cells(page, '[data-testid="funnel-steps"]')).toEqual([
      ['Product Added', '2', '100.0 %', '100.0 %', '–'],
      ['Order Completed', '1', '50.0 %', '50.0 %', '10 min'],
    ]);
    // Broken down by device type: one table per value.
    await page.selectOption('select[name="by"]', 'context.device.type');
    await page.click('[data-testid="funnel-builder"] button[type="submit"]');
    await page.waitForSelector('[data-testid="funnel-result"] table[data-breakdown="mobile"]');
    expect((await cells(page, 'table[data-breakdown="mobile"]')).map((row) => row[1])).toEqual(['2', '1']);
    // A breakdown path the API refuses: its fault beside the path field.
    await page.getByLabel('Breakdown', { exact: true }).selectOption({ label: 'a path…' });
    await page.getByLabel('Breakdown path').fill('raw.device');
    await page.click('[data-testid="funnel-builder"] button[type="submit"]');
    await page.waitForSelector('[data-testid="funnel-builder"] [aria-invalid="true"][name="byPath"]');
    expect(await page.locator('[data-testid="funnel-steps"]').count()).toBe(0);

    // Destinations: the receiver refuses with 400, so the events become dead letters.
    await expect.poll(receiverHits, { timeout: 15_000 }).toBeGreaterThan(0);
    await page.click('nav a[data-page="destinations"]');
    const row = page.locator('[data-testid="destination-rows"] tr[data-name="crm-hook"]');
    await expect
      .poll(async () => (await row.count()) > 0 && (await cells(page, '[data-testid="destination-rows"]'))[0]?.[5], { timeout: 15_000, interval: 500 })
      .toBe(String(SEED.length));
    const [name, kind, delivered, pending, failed] = (await cells(page, '[data-testid="destination-rows"]'))[0]!;
    expect({ name, kind, delivered, pending, failed }).toEqual({ name: 'crm-hook', kind: 'webhook', delivered: '0', pending: '0', failed: String(SEED.length) });
    expect(await row.locator('td').nth(7).textContent()).toContain('400');
    await row.locator('button:has-text("Replay dead letters")').click();
    await page.waitForSelector(`[data-testid="notice"]:has-text("crm-hook: ${SEED.length} dead letters back in the queue")`);
    expect(problems).toEqual([]);
  });

  it('shows an empty state when no destination is configured', async () => {
    const { collector } = await rigs.hold(start(false));
    const { page } = await openSignedIn(rigs.browser(), rigs.after, collector.url);
    await page.goto(`${collector.url}/console#destinations`);
    await page.waitForSelector('[data-testid="destinations-empty"]');
    expect(await page.locator('[data-testid="destinations-empty"]').textContent()).toContain('No destination is configured');
  });
});
