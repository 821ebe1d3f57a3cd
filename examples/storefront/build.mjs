// Builds the shop into dist/, as a small static shop's build would: the pages from one layout
// (src/layout.html: head, header and nav written once), the bundle of src/main.ts with
// @cairn/browser (as an app's bundler would), and the stylesheet. `node build.mjs` from
// anywhere; start.mjs and the tests import buildStorefront().
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The shop's pages. Each is the layout with its title and `data-page`, the key main.ts renders
 * the page's content by; the header and nav stay plain HTML, readable without JavaScript.
 */
const PAGES = [
  { file: 'index.html', page: 'home', title: 'Shop' },
  { file: 'product.html', page: 'product', title: 'Product' },
  { file: 'cart.html', page: 'cart', title: 'Cart' },
  { file: 'checkout.html', page: 'checkout', title: 'Checkout' },
  { file: 'order.html', page: 'order', title: 'Order confirmed' },
  { file: 'account.html', page: 'account', title: 'Account' },
];

/** 30 minutes, the shop's cart idle time (withCommerce's `cartIdle`). */
const CART_IDLE_MS = 30 * 60_000;

/**
 * @param {{ outDir?: string, cartIdle?: number }} [options] `outDir`: where the site is written
 *   (default `dist/` here); `cartIdle`: the cart idle time in ms written into the pages (the
 *   tests shorten it).
 * @returns {Promise<string>} The folder the site was written to, to serve at `/`.
 * @example
 * const root = await buildStorefront();
 */
export async function buildStorefront({ outDir = join(here, 'dist'), cartIdle = CART_IDLE_MS } = {}) {
  await mkdir(outDir, { recursive: true });
  const layout = await readFile(join(here, 'src/layout.html'), 'utf8');
  await Promise.all([
    build({
      entryPoints: [join(here, 'src/main.ts')],
      bundle: true,
      format: 'iife',
      target: 'es2020',
      minify: true,
      sourcemap: true,
      outfile: join(outDir, 'app.js'),
      logLevel: 'warning',
    }),
    copyFile(join(here, 'src/styles.css'), join(outDir, 'styles.css')),
    ...PAGES.map(({ file, page, title }) =>
      writeFile(join(outDir, file), fill(layout, { title, page, cartIdle: String(cartIdle) })),
    ),
  ]);
  return outDir;
}

/**
 * The template with each `{{name}}` replaced by `values[name]`; a name without a value throws,
 * so a typo in the layout fails the build rather than ships.
 *
 * @param {string} template
 * @param {Record<string, string>} values
 */
function fill(template, values) {
  return template.replace(/\{\{(\w+)\}\}/g, (_, /** @type {string} */ name) => {
    const value = values[name];
    if (value === undefined) throw new Error(`src/layout.html: no value for {{${name}}}`);
    return value;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`built ${await buildStorefront()}`);
}
