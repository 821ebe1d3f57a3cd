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
    // Both configs build in parallel into dist/: this one must not wipe the script-tag builds.
    clean: ['!cairn.js', '!cairn-commerce.js', '!cairn-consent.js', '!cairn-spa.js', '!cairn-segment.js'],
    target: 'es2020',
    define,
  },
  {
    // cairn.js, and the opt-in add-ons outside cairn.js's budget: cairn-commerce.js (e-commerce),
    // cairn-consent.js (TCF and Consent Mode signals), cairn-spa.js (single-page app page views),
    // cairn-segment.js (Segment's analytics.js API on window.analytics, for Segment's snippet).
    entry: {
      cairn: 'src/script-tag.ts',
      'cairn-commerce': 'src/commerce-script-tag.ts',
      'cairn-consent': 'src/consent-script-tag.ts',
      'cairn-spa': 'src/spa-script-tag.ts',
      'cairn-segment': 'src/segment-script-tag.ts',
    },
    format: ['iife'],
    outExtension: () => ({ js: '.js' }),
    minify: 'terser',
    // esbuild minifies first (const → let and friends), terser then goes further.
    esbuildOptions(options) {
      Object.assign(options, { minifySyntax: true, minifyIdentifiers: true, minifyWhitespace: true });
    },
    terserOptions: {
      ecma: 2020,
      // The bundle is one strict-mode IIFE: terser may treat it as a module (−10 B gzip).
      module: true,
      toplevel: true,
      compress: { passes: 2, unsafe_arrows: true, pure_getters: true, hoist_funs: true },
      mangle: {
        toplevel: true,
        // Internal property names only (deps, queue records, consent internals): never a
        // wire field, an option, a public method or a DOM/builtin name (terser leaves those
        // it knows alone anyway). ~60 bytes gzip.
        properties: {
          // Terser skips names it knows from the DOM (bytes, queue, lock, storage, send, capture,
          // release, …) unless told otherwise; none of these is used on a DOM or builtin object here.
          // retryAfter: the TransportResponse field (the script tag only ever uses fetchTransport).
          // Never `json` or `id`: queue records and the page-exit stash hold the events themselves,
          // and a mangled name may change from one build to the next, which would make the
          // events an earlier version queued unreadable. (`bytes` may be mangled: a size not
          // found is measured again.)
          builtins: true,
          regex:
            /^(queue|transport|clock|ids|lock|storage|onPageExit|onOnline|online|enqueue|bytes|setUserId|auto|purge|allows|stamp|categoryOf|keeps|sync|snapshot|listen|release|capture|reload|send|report|identity|limits|retryAfter|resets|held|exit|payload|taken)$/,
        },
      },
      format: { comments: false },
    },
    // The script tag has no bundler behind it: everything, the protocol included, goes in.
    noExternal: [/.*/],
    // ES2022 syntax as is (`||=`, `??=`; Chrome 85, Firefox 79, Safari 14): −20 B gzip.
    target: 'es2022',
    clean: false,
    // Only ever runs in a page: the SSR checks (inBrowser()) fold away.
    define: { ...define, __SCRIPT_TAG__: 'true' },
  },
]);
