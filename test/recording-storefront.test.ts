// The storefront example (npm import, bundled) in real Chromium against the real collector:
// device context from an emulated phone, cart abandonment across page loads, and an order
// that leaves no abandoned cart. Assertions read the collector's SQLite file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WireEvent } from '@cairn/protocol';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStorefront } from '../examples/storefront/build.mjs';
import { waitFor, type EventRow, type EventsDb } from './helpers/events-db.js';
import { useSiteRigs } from './helpers/site-rig.js';

const WRITE_KEY = 'storefront-e2e';
/** The shortened cart idle time (the shop's default is 30 minutes). */
const CART_IDLE_MS = 3000;

const PIXEL_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';

const rigs = useSiteRigs(WRITE_KEY);
/** The shop built once for the file, with the short cart idle time, outside the source tree. */
let shopDir: string | undefined;

beforeAll(async () => {
  shopDir = await mkdtemp(join(tmpdir(), 'cairn-storefront-'));
  await buildStorefront({ outDir: shopDir, cartIdle: CART_IDLE_MS });
});

afterAll(async () => {
  if (shopDir) await rm(shopDir, { recursive: true, force: true });
});

/** A fresh collector serving the shop (with more collector flags, if given), and one visitor. */
async function setUp(collectorArgs: readonly string[] = []) {
  const rig = await rigs.start({ root: shopDir!, collectorArgs });
  return { ...rig, ...(await rig.visitor()) };
}

const raw = (row: EventRow) => JSON.parse(row.raw) as WireEvent;
const named = (name: string) => (row: EventRow) => row.event === name;
const pageViewOf = (path: string) => (row: EventRow) => row.type === 'page' && raw(row).context?.page?.path === path;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for rows matching `match`, at least `count` of them. */
function rowsOf(db: EventsDb, what: string, match: (row: EventRow) => boolean, diagnose: () => string, count = 1) {
  return waitFor(what, () => db.events().filter(match), (rows) => rows.length >= count, diagnose);
}

async function addFromProductPage(page: Page, url: string, productId: string, quantity: number) {
  await page.goto(`${url}/product.html?id=${productId}`);
  await page.locator('#qty').fill(String(quantity));
  await page.getByRole('button', { name: 'Add to cart' }).click();
}

/**
 * Makes the page an Android phone: Chromium reports navigator.userAgentData.mobile (and sends
 * Sec-CH-UA-Mobile: ?1) only when the UA override carries client-hint metadata, set through CDP.
 */
async function emulatePhone(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setUserAgentOverride', {
    userAgent: PIXEL_UA,
    platform: 'Linux armv8l',
    userAgentMetadata: {
      brands: [{ brand: 'Chromium', version: '126' }],
      fullVersion: '126.0.6478.71',
      platform: 'Android',
      platformVersion: '14.0.0',
      architecture: '',
      model: 'Pixel 8',
      mobile: true,
    },
  });
  await cdp.send('Emulation.setDeviceMetricsOverride', { width: 412, height: 915, deviceScaleFactor: 2.625, mobile: true });
}

describe('storefront example: device context', () => {
  it('a sign-in from an emulated phone (UA + client hints) is stored with device.type = mobile', async () => {
    const { page, db, site, context, diagnose } = await setUp();
    await emulatePhone(context, page);

    await page.goto(`${site.url}/account.html`);
    expect(await page.evaluate(() => (navigator as { userAgentData?: { mobile: boolean } }).userAgentData?.mobile)).toBe(true);
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('correct horse');
    await page.getByRole('button', { name: 'Sign in' }).click();

    const [signedIn] = await rowsOf(db, 'a "Signed In" row', named('Signed In'), diagnose);
    expect(signedIn!.user_id).toBe('ada@example.com');
    const event = raw(signedIn!);
    expect(event.properties).toEqual({ method: 'password' });
    expect(event.context).toMatchObject({
      device: { type: 'mobile' },
      userAgent: PIXEL_UA,
      userAgentData: { mobile: true, platform: 'Android', brands: [{ brand: 'Chromium', version: '126' }] },
      screen: { width: 412, height: 915, density: 2.625, innerWidth: 412 },
      page: { path: '/account.html' },
      sessionId: expect.any(String),
      timezone: expect.any(String),
      locale: expect.any(String),
    });
    // The identify that came with it, and the page view before it, are the same visitor.
    const [identify] = await rowsOf(db, 'the identify row', (row) => row.type === 'identify', diagnose);
    const [view] = await rowsOf(db, 'the page view', pageViewOf('/account.html'), diagnose);
    expect(identify!.user_id).toBe('ada@example.com');
    expect(view!.anonymous_id).toBe(signedIn!.anonymous_id);
    expect(raw(view!).context?.sessionId).toBe(event.context?.sessionId);

    await page.getByRole('button', { name: 'Sign out' }).click();
    const [signedOut] = await rowsOf(db, 'a "Signed Out" row', named('Signed Out'), diagnose);
    expect(signedOut!.user_id).toBe('ada@example.com');
    expect(raw(signedOut!).context?.device?.type).toBe('mobile');
  });

  it('the same sign-in from desktop Chromium is stored with device.type = desktop', async () => {
    const { page, db, site, diagnose } = await setUp();
    await page.goto(`${site.url}/account.html`);
    await page.getByLabel('Email').fill('grace@example.com');
    await page.getByLabel('Password').fill('hunter2');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const [signedIn] = await rowsOf(db, 'a "Signed In" row', named('Signed In'), diagnose);
    expect(raw(signedIn!).context?.device).toEqual({ type: 'desktop' });
  });
});

describe('storefront example: cart abandonment', () => {
  it('a cart left idle is stored as exactly one "Cart Abandoned", on the next page load', async () => {
    const { page, db, site, diagnose } = await setUp();
    await addFromProductPage(page, site.url, 'summit-blend', 2);
    await addFromProductPage(page, site.url, 'pour-over-kit', 1);
    const cartId = await page.evaluate(() => JSON.parse(localStorage.getItem('storefront:cart')!).id as string);
    // The visitor leaves at once: no page of the shop is open while the cart goes idle.
    await page.goto('about:blank');
    await rowsOf(db, 'two "Product Added" rows', named('Product Added'), diagnose, 2);
    await sleep(CART_IDLE_MS + 500);
    expect(db.events().filter(named('Cart Abandoned')), diagnose()).toEqual([]);

    // Back on the shop: the first page load reports the cart, then no other load does.
    await page.goto(`${site.url}/`);
    await page.reload();
    await page.goto(`${site.url}/cart.html`);
    await rowsOf(db, 'the cart page view, sent after every earlier event', pageViewOf('/cart.html'), diagnose);
    const abandoned = db.events().filter(named('Cart Abandoned'));
    expect(abandoned, diagnose()).toHaveLength(1);
    const event = raw(abandoned[0]!);
    expect(event.properties).toMatchObject({ cart_id: cartId, value: 75, currency: 'USD', minutes_idle: 0 });
    expect(event.properties?.products).toEqual([
      expect.objectContaining({ product_id: 'summit-blend', sku: 'RC-SUM-340', name: 'Summit Blend', price: 18, quantity: 2 }),
      expect.objectContaining({ product_id: 'pour-over-kit', sku: 'RC-KIT-001', price: 39, quantity: 1 }),
    ]);
    // It is the returning visit's first event: the page view of "/" comes right after it.
    expect(event.context?.page?.path).toBe('/');
  });

  it('while a page stays open, the idle cart is reported by a timer, once', async () => {
    const { page, db, site, diagnose } = await setUp();
    await addFromProductPage(page, site.url, 'night-owl-decaf', 1);
    const [abandoned] = await rowsOf(db, 'a "Cart Abandoned" row', named('Cart Abandoned'), diagnose);
    expect(raw(abandoned!).properties).toMatchObject({ products: [expect.objectContaining({ product_id: 'night-owl-decaf' })] });
    await sleep(CART_IDLE_MS + 500);
    await page.goto(`${site.url}/cart.html`);
    await rowsOf(db, 'the cart page view', pageViewOf('/cart.html'), diagnose);
    expect(db.events().filter(named('Cart Abandoned')), diagnose()).toHaveLength(1);
  });

  it('an order after adding to the cart stores no "Cart Abandoned"; the shop sends every e-commerce event', async () => {
    const { page, db, site, diagnose } = await setUp();
    await page.goto(`${site.url}/`);
    await page.getByRole('button', { name: 'Add to cart' }).first().click(); // Summit Blend, from the list
    await addFromProductPage(page, site.url, 'huila-single-origin', 2);
    await page.goto(`${site.url}/cart.html`);
    await page.getByRole('button', { name: 'Remove' }).first().click();
    await page.getByRole('link', { name: 'Checkout' }).click();
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(/\/order\.html\?id=order-/);
    const [order] = await rowsOf(db, 'an "Order Completed" row', named('Order Completed'), diagnose);

    await sleep(CART_IDLE_MS + 500);
    await page.goto(`${site.url}/`);
    await rowsOf(db, 'a second page view of "/"', pageViewOf('/'), diagnose, 2);
    const rows = db.events();
    expect(rows.filter(named('Cart Abandoned')), diagnose()).toEqual([]);
    expect(new Set(rows.filter((row) => row.type === 'track').map((row) => row.event))).toEqual(
      new Set(['Product List Viewed', 'Product Added', 'Product Viewed', 'Cart Viewed', 'Product Removed', 'Checkout Started', 'Order Completed']),
    );
    expect(raw(order!).properties).toMatchObject({
      order_id: expect.stringMatching(/^order-/),
      total: 44,
      currency: 'USD',
      products: [expect.objectContaining({ product_id: 'huila-single-origin', quantity: 2, price: 22 })],
    });
    expect(db.quarantine(), diagnose()).toEqual([]);
  });
});

describe('storefront example: the collector reports the carts of visitors who never come back', () => {
  const TOKEN = 'storefront-admin';
  /** A shop whose own cart watch waits a minute, so only the collector can see the cart go idle. */
  let patientShop: string | undefined;
  beforeAll(async () => {
    patientShop = await mkdtemp(join(tmpdir(), 'cairn-storefront-patient-'));
    await buildStorefront({ outDir: patientShop, cartIdle: 60_000 });
  });
  afterAll(async () => {
    if (patientShop) await rm(patientShop, { recursive: true, force: true });
  });

  it('add to cart on a phone, sign in, leave: one collector "Cart Abandoned", and the segment lists the person', async () => {
    // The rule runs every second; a cart idle for 4 s is abandoned.
    const rig = await rigs.start({ root: patientShop!, collectorArgs: ['--admin-token', TOKEN, '--cart-check-interval', '1', '--cart-idle', '4'] });
    const { page, context } = await rig.visitor();
    const { db, site, collector, diagnose } = rig;
    await emulatePhone(context, page);
    await addFromProductPage(page, site.url, 'summit-blend', 2);
    const cartId = await page.evaluate(() => JSON.parse(localStorage.getItem('storefront:cart')!).id as string);
    await page.goto(`${site.url}/account.html`);
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('correct horse');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await rowsOf(db, 'the "Signed In" row', named('Signed In'), diagnose);
    // The visitor leaves: no page of the shop is open to notice the idle cart.
    await page.goto('about:blank');

    const [abandoned] = await rowsOf(db, 'the collector\'s "Cart Abandoned"', named('Cart Abandoned'), diagnose);
    const event = raw(abandoned!);
    expect(event.properties).toMatchObject({ cart_id: cartId, value: 36, currency: 'USD', detected_by: 'collector' });
    expect(event.properties?.products).toEqual([expect.objectContaining({ product_id: 'summit-blend', price: 18, quantity: 2 })]);

    const response = await fetch(`${collector.url}/admin/api/segments/preview`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        all: [
          { did: 'Cart Abandoned', within: 'P1D' },
          { did: 'Signed In', where: { 'context.device.type': 'mobile' }, within: 'P1D' },
        ],
      }),
    });
    const segment = (await response.json()) as { count: number; people: { userId: string; anonymousIds: string[] }[] };
    expect(segment.count, diagnose()).toBe(1);
    expect(segment.people[0]).toMatchObject({ userId: 'ada@example.com', anonymousIds: [abandoned!.anonymous_id] });
    await sleep(2000); // more runs of the rule add nothing
    expect(db.events().filter(named('Cart Abandoned')), diagnose()).toHaveLength(1);
  });
});
