// Builds the console to static files in dist/ (no runtime CDN): the app and the sign-in script
// bundled and minified by esbuild (uPlot included), the CSS (uPlot's with ours), the two pages.
// The collector's build copies dist/ into its own dist/console, which `cairn-collector` serves.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { build } from 'esbuild';

const dist = new URL('./dist/', import.meta.url);
await rm(dist, { recursive: true, force: true });
await mkdir(new URL('./assets/', dist), { recursive: true });
await build({
  entryPoints: { console: 'src/main.ts', 'sign-in': 'src/sign-in.ts' },
  absWorkingDir: new URL('.', import.meta.url).pathname,
  outdir: 'dist/assets',
  bundle: true,
  format: 'esm',
  minify: true,
  target: ['chrome110', 'firefox110', 'safari16'],
  legalComments: 'linked',
  logLevel: 'warning',
});
await build({
  entryPoints: { console: 'src/console.css' },
  absWorkingDir: new URL('.', import.meta.url).pathname,
  outdir: 'dist/assets',
  bundle: true,
  minify: true,
  logLevel: 'warning',
});
for (const page of ['index.html', 'sign-in.html']) await copyFile(new URL(`./static/${page}`, import.meta.url), new URL(page, dist));
