// Bundles the shop (src/main.ts and @cairn/browser, as an app's bundler would) into dist/app.js.
// `node build.mjs` from anywhere; the tests import buildStorefront().
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * @returns {Promise<string>} The path of the bundle written.
 * @example
 * await buildStorefront();
 */
export async function buildStorefront() {
  const outfile = `${here}dist/app.js`;
  await build({
    entryPoints: [`${here}src/main.ts`],
    bundle: true,
    format: 'iife',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outfile = await buildStorefront();
  console.log(`built ${outfile}`);
}
