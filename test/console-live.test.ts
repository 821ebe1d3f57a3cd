import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startStaticServer } from '../scripts/static-server.mjs';
import { useBrowserRigs } from './helpers/browser-rigs.js';
import { CONSOLE_TOKEN, signIn, startConsoleCollector, type ConsoleCollector } from './helpers/console-rig.js';
import { openEventsDb } from './helpers/events-db.js';
import { SDK_BUNDLE, SITE_ROOT } from './helpers/repo-paths.js';

const PLAN = {
  mode: 'quarantine',
  events: { 'Product Added': { properties: { type: 'object', required: ['product_id'] } } },
};

interface Rig {
  collector: ConsoleCollector;
  dispose(): Promise<void>;
}
const rigs = useBrowserRigs<Rig>();
const start = async (): Promise<Rig> => {
  const collector = await startConsoleCollector(PLAN);
  return { collector, dispose: () => collector.dispose() };
};

/** Console errors and failed requests, for a failing test's message. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return problems;
}

describe('the console in Chromium, against the collector CLI', () => {
  it('signs in, shows a tracked event live, opens it: raw beside normalized and what the pipeline did', async () => {
    const { collector } = await rigs.hold(start());
    const site = await startStaticServer({ root: SITE_ROOT, sdkPath: SDK_BUNDLE, endpoint: collector.url, writeKey: 'console-e2e-key' });
    rigs.after(() => site.close());
    const browser = rigs.browser();
    const consoleContext = await browser.newContext();
    rigs.after(() => consoleContext.close());
    const page = await consoleContext.newPage();
    const problems = watch(page);
    await signIn(page, collector.url);
    await page.waitForSelector('[data-testid="live-status"].live', { timeout: 10_000 });

    // A visitor on the example site clicks "Add to cart" in another browser profile.
    const visitorContext = await browser.newContext();
    rigs.after(() => visitorContext.close());
    const visitor = await visitorContext.newPage();
    await visitor.goto(`${site.url}/`);
    await visitor.click('button[data-product-id]');
    await visitor.evaluate(() => (window as unknown as { cairn: { flush(): Promise<void> } }).cairn.flush());

    const row = page.locator('[data-testid="live-rows"] tr', { hasText: 'Product Added' }).first();
    await row.waitFor({ timeout: 15_000 });
    const messageId = await row.getAttribute('data-message-id');
    expect(messageId, problems.join('\n')).toMatch(/^[0-9A-Z]{26}$/);
    await row.click();
    const dialog = page.locator('[data-testid="event-detail"]');
    await dialog.waitFor();
    const raw = JSON.parse((await dialog.locator('[data-testid="raw-json"]').textContent()) ?? '') as Record<string, unknown>;
    expect(raw).toMatchObject({ type: 'track', event: 'Product Added', messageId, properties: { product_id: expect.any(String) } });
    expect(await dialog.locator('[data-testid="normalized-json"]').textContent()).toBeTruthy();
    await expect.poll(() => dialog.locator('[data-step="consent"]').count()).toBe(1);
    expect(problems).toEqual([]);
  });

  it('pauses and resumes the live view, and filters it by event name', async () => {
    const { collector } = await rigs.hold(start());
    const context = await rigs.browser().newContext();
    rigs.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, collector.url);
    await page.waitForSelector('[data-testid="live-status"].live');
    await page.fill('input[name="event"]', 'Product Added');
    await page.click('[data-testid="live-filters"] button[type="submit"]');
    await page.waitForSelector('[data-testid="live-status"].live');
    await page.click('[data-testid="pause"]');
    const now = new Date().toISOString();
    await collector.send([
      { type: 'track', event: 'Product Added', messageId: 'held-1', anonymousId: 'a', timestamp: now, properties: { product_id: 'p1' } },
      { type: 'page', name: 'Home', messageId: 'filtered-out', anonymousId: 'a', timestamp: now },
    ]);
    await page.waitForSelector('[data-testid="live-status"]:has-text("1 new event waiting")', { timeout: 10_000 });
    expect(await page.locator('[data-testid="live-rows"] tr[data-message-id="held-1"]').count()).toBe(0);
    await page.click('[data-testid="pause"]');
    await page.locator('[data-testid="live-rows"] tr[data-message-id="held-1"]').waitFor();
    expect(await page.locator('[data-testid="live-rows"] tr[data-message-id="filtered-out"]').count()).toBe(0);
  });

  it('replays a quarantined event after the plan is fixed', async () => {
    const { collector } = await rigs.hold(start());
    const wish = { type: 'track', event: 'Wishlist Shared', messageId: 'wish-1', anonymousId: 'a1', timestamp: new Date().toISOString() };
    expect(await collector.send([wish])).toMatchObject({ accepted: 0, rejected: [{ code: 'plan_violation' }] });
    const context = await rigs.browser().newContext();
    rigs.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, collector.url);
    await page.click('nav a[data-page="quarantine"]');
    await page.waitForSelector('[data-testid="quarantine-codes"] [data-code="plan_violation"]');
    expect(await page.locator('[data-testid="quarantine-codes"] [data-code="plan_violation"]').textContent()).toBe('plan_violation · 1');
    const row = page.locator('[data-testid="quarantine-rows"] tr[data-message-id="wish-1"]');
    await row.locator('button', { hasText: 'View' }).click();
    // The detail is fetched on click: wait for it to be shown before reading it.
    await page.locator('[data-testid="quarantine-detail"]:not([hidden])').waitFor();
    expect(await page.locator('[data-testid="quarantine-detail"]').textContent()).toContain('"Wishlist Shared"');

    await collector.reloadPlan({ ...PLAN, events: { ...PLAN.events, 'Wishlist Shared': {} } });
    await row.locator('input[type="checkbox"]').check();
    await page.click('button:has-text("Replay selected (1)")');
    await page.waitForSelector('[data-testid="notice"]:has-text("1 replayed into events")');
    await page.waitForSelector('[data-testid="quarantine-rows"] td.empty');
    const db = openEventsDb(collector.dbPath);
    try {
      expect(db.events().map((event) => event.message_id)).toEqual(['wish-1']);
      expect(db.quarantine()).toEqual([]);
    } finally {
      db.close();
    }
    const metrics = await (await fetch(`${collector.url}/metrics`)).text();
    expect(metrics).toMatch(/cairn_console_actions_total\{action="replay_selected"\} 1/);
  });

  it('refuses the API without the session, and a state change with a bad CSRF token', async () => {
    const { collector } = await rigs.hold(start());
    expect((await fetch(`${collector.url}/admin/api/events`)).status).toBe(401);
    const context = await rigs.browser().newContext();
    rigs.after(() => context.close());
    const page = await context.newPage();
    await signIn(page, collector.url);
    const statuses = await page.evaluate(async () => {
      const post = (headers: Record<string, string>) =>
        fetch('/admin/api/quarantine/delete', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"code":"plan_violation"}' }).then((r) => r.status);
      const { csrfToken } = (await (await fetch('/admin/api/session')).json()) as { csrfToken: string };
      return { list: await fetch('/admin/api/events').then((r) => r.status), none: await post({}), bad: await post({ 'x-csrf-token': 'forged' }), good: await post({ 'x-csrf-token': csrfToken }) };
    });
    expect(statuses).toEqual({ list: 200, none: 403, bad: 403, good: 200 });
    // Signing out ends the session for this browser.
    await page.click('button:has-text("Sign out")');
    await page.waitForURL(/\/console\/sign-in$/);
    expect(await page.evaluate(() => fetch('/admin/api/events').then((r) => r.status))).toBe(401);
    expect(CONSOLE_TOKEN).not.toBe('');
  });
});
