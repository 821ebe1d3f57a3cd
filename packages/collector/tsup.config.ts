import { defineConfig } from 'tsup';

export default defineConfig({
  // sqlite-worker.js, sqlite-read-worker.js (the console's reads on SQLite) and
  // forwarder-worker.js must sit beside the chunks in dist/: worker threads run them.
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli.ts',
    'sqlite-worker': 'src/store/sqlite-worker.ts',
    'forwarder-worker': 'src/destinations/forwarder-worker.ts',
    'sqlite-read-worker': 'src/store/sqlite-read-worker.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  // Declarations for the library entry only; the CLI is an executable, not an import.
  // `composite` is for `tsc -b` type-checking only; tsup's dts pass rejects it.
  dts: { entry: 'src/index.ts', compilerOptions: { composite: false } },
  // Runtime dependencies are installed beside the package, never bundled (better-sqlite3 is native).
  external: ['@cairn/protocol', 'hono', '@hono/node-server', 'better-sqlite3', 'postgres', 'ajv', 'proxy-addr'],
  clean: true,
  sourcemap: false,
  // Keep `node:` specifiers as written (tsup strips them by default for Node < 16).
  removeNodeProtocol: false,
});
