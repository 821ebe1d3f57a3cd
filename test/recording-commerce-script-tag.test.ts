// The script-tag e-commerce add-on (dist/cairn-commerce.js) in real Chromium against the real
// collector: run before cairn.js (a plain tag before it, or both `defer`), its helpers work
// through the stub and its cart watch sees every event, so it reports an idle cart on the next
// page load.
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WireEvent } from '@cairn/protocol';
import { describe, expect, it } from 'vitest';
import { waitFor } from './helpers/events-db.js';
import { REPO_ROOT } from './helpers/repo-paths.js';
import { useSiteRigs } from './helpers/site-rig.js';

const WRITE_KEY = 'commerce-script-tag';
const ADD_ON = `${REPO_ROOT}packages/browser/dist/cairn-commerce.js`;
const STUB =
  'window.cairn=window.cairn||[];["track","page","identify","setConsent","signedIn","signedOut","productAdded"].forEach(function(m){cairn[m]=cairn[m]||function(){cairn.push([m,Date.now()].concat([].slice.call(arguments)))}})';

const rigs = useSiteRigs(WRITE_KEY);

/** A page with the stub and both tags, the add-on's first; `data-cart-idle` short. */
const page = (loading: 'async' | 'defer', body = '') => {
  const addOn = `<script ${loading == 'defer' ? 'defer ' : ''}src="/cairn-commerce.js" data-cart-idle="1000"></script>`;
  const core = `<script ${loading} src="/cairn.js" data-write-key="KEY" data-endpoint="ENDPOINT"></script>`;
  return `<!doctype html><html><head><title>Shop</title><script>${STUB}</script>
${addOn}${core}</head><body>${body}</body></html>`;
};

describe('script-tag commerce add-on', () => {
  it.each([
    ['a plain tag before async cairn.js', 'async'],
    ['both defer', 'defer'],
  ] as const)('%s: a stubbed productAdded is stored, and the idle cart is reported once on the next page', async (_name, loading) => {
    const dir = await rigs.tempDir('cairn-commerce-');
    await copyFile(ADD_ON, join(dir, 'cairn-commerce.js'));
    await writeFile(join(dir, 'index.html'), page(loading, '<script>cairn.productAdded({ product_id: "summit", price: 18, quantity: 2 })</script>'));
    await writeFile(join(dir, 'next.html'), page(loading));
    const { site, db: events, diagnose, visitor } = await rigs.start({ root: dir });
    const { page: tab } = await visitor();

    await tab.goto(`${site.url}/`);
    await waitFor('Product Added', () => events.events(), (rows) => rows.some((row) => row.event === 'Product Added'), diagnose);
    await tab.waitForTimeout(1200); // past data-cart-idle
    await tab.goto(`${site.url}/next.html`);
    const rows = await waitFor('Cart Abandoned', () => events.events(), (found) => found.some((row) => row.event === 'Cart Abandoned'), diagnose);
    await tab.waitForTimeout(500);
    expect(events.events().map((row) => row.event), diagnose()).toEqual(['Product Added', 'Cart Abandoned']);
    const abandoned = JSON.parse(rows.find((row) => row.event === 'Cart Abandoned')!.raw) as WireEvent;
    expect(abandoned.properties).toMatchObject({ products: [{ product_id: 'summit', quantity: 2 }], value: 36 });
  });
});
