import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};
// The library version stamped into every event's context.library.
const define = { __CAIRN_VERSION__: JSON.stringify(version) };

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    // `composite` is for `tsc -b` type-checking only; tsup's dts pass rejects it.
    dts: { compilerOptions: { composite: false } },
    // Both configs build in parallel into dist/: this one must not wipe the script-tag build.
    clean: ['!cairn.js'],
    target: 'es2020',
    define,
  },
  {
    entry: { cairn: 'src/script-tag.ts' },
    format: ['iife'],
    outExtension: () => ({ js: '.js' }),
    minify: true,
    // The script tag has no bundler behind it: everything, the protocol included, goes in.
    noExternal: [/.*/],
    target: 'es2018',
    clean: false,
    define,
  },
]);
