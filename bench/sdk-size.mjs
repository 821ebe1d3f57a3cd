import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * Budget for dist/cairn.js, gzip level 9 (DESIGN.md, issue #11): durability, consent and
 * context; e-commerce, TCF / Consent Mode and SPA page views are add-ons outside it.
 * `npm run bench` fails over it.
 */
export const SDK_GZIP_BUDGET_BYTES = 5_632;


/**
 * Gzip level 9 size of a file, in bytes; undefined when it does not exist. The larger of two
 * measures: Node's zlib (no name in the header) and the `gzip -9` command, as a reviewer would
 * run it (its own deflate, and the file name in the header: ~16 B more for cairn.js). Where the
 * command is missing, zlib's figure plus the name the header would carry.
 *
 * @param {string | URL} file
 * @returns {Promise<number | undefined>}
 */
export async function gzipSize(file) {
  const source = await readFile(file).catch(() => undefined);
  if (source === undefined) return undefined;
  const path = file instanceof URL ? fileURLToPath(file) : file;
  const zlib = gzipSync(source, { level: 9 }).length;
  /** @type {number} */
  let cli;
  try {
    cli = execFileSync('gzip', ['-9', '-c', path], { maxBuffer: 1 << 24 }).length;
  } catch {
    cli = zlib + basename(path).length + 1;
  }
  return Math.max(zlib, cli);
}

// CAIRN_BENCH_SDK=path measures another build (e.g. an older one, for a before/after).
const bundle = process.env.CAIRN_BENCH_SDK || fileURLToPath(new URL('../packages/browser/dist/cairn.js', import.meta.url));

/**
 * Size of the script-tag build: what every visitor of a site downloads. Gzip at level 9, as
 * the budget is stated (CDNs and servers mostly use 6 or brotli; 9 is the stable reference),
 * by the stricter of zlib and the `gzip -9` command (gzipSize).
 *
 * @type {import('./bench-module.mjs').BenchModule}
 */
export const sdkSize = {
  name: 'sdk-size',
  title: 'Script-tag SDK size (packages/browser/dist/cairn.js)',
  async run() {
    const source = await readFile(bundle).catch(() => undefined);
    if (source === undefined) {
      return { ok: false, figures: [], notes: [`${bundle} is missing: run npm run build -w @cairn/browser`] };
    }
    const gzip = /** @type {number} */ (await gzipSize(bundle));
    // The opt-in add-ons (e-commerce, Segment's API): reported, outside the budget, by the same measure.
    const addOns = [
      { name: 'commerce add-on', file: 'cairn-commerce.js' },
      { name: 'segment add-on', file: 'cairn-segment.js' },
    ];
    const addOnFigures = [];
    for (const { name, file } of addOns) {
      const size = await gzipSize(new URL(`../packages/browser/dist/${file}`, import.meta.url));
      if (size !== undefined) addOnFigures.push({ name, value: size, unit: 'B' });
    }
    return {
      ok: gzip <= SDK_GZIP_BUDGET_BYTES,
      figures: [
        { name: 'raw (minified)', value: source.length, unit: 'B' },
        { name: 'gzip -9', value: gzip, unit: 'B', budget: SDK_GZIP_BUDGET_BYTES },
        { name: '… zlib level 9 (no name)', value: gzipSync(source, { level: 9 }).length, unit: 'B' },
        ...addOnFigures,
      ],
      notes: [`${Math.round((gzip / SDK_GZIP_BUDGET_BYTES) * 100)}% of the ${SDK_GZIP_BUDGET_BYTES}-byte gzip budget`],
    };
  },
};
